package io.streamrec.model.data;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The size and the planted structure of a {@link SyntheticDataset}.
 *
 * @param users               distinct users; activity per user is Zipf with {@code userActivityExponent}
 * @param items               items, spread evenly over the clusters (rounded down to a multiple of {@code clusters})
 * @param events              events to generate
 * @param clusters            interest clusters = top-level categories
 * @param leavesPerCluster    leaf categories per cluster
 * @param shops               shops in all (each belongs to one cluster)
 * @param brands              brands in all (each belongs to one cluster)
 * @param itemZipfExponent    popularity skew of items inside a cluster
 * @param userActivityExponent activity skew of users
 * @param interestsPerUser    most interest clusters one user holds at a time (at least 1)
 * @param meanSessionLength   mean events per session (geometric)
 * @param concurrentSessions  sessions open at once; with {@code meanEventGap} this sets the event rate
 * @param meanEventGap        mean time between two events of one session
 * @param explorationRate     chance an event leaves the session's cluster for a random popular item
 * @param leafStickiness      chance an event stays in the leaf category of the session's previous item
 * @param driftPeriod         how often a user's interests may change
 * @param driftRate           chance, per drift period, that one of a user's interests is replaced
 * @param start               event time of the first event
 * @param seed                the same seed and options give the same events
 */
public record SyntheticOptions(
        int users,
        int items,
        long events,
        int clusters,
        int leavesPerCluster,
        int shops,
        int brands,
        double itemZipfExponent,
        double userActivityExponent,
        int interestsPerUser,
        double meanSessionLength,
        int concurrentSessions,
        Duration meanEventGap,
        double explorationRate,
        double leafStickiness,
        Duration driftPeriod,
        double driftRate,
        Instant start,
        long seed) {

    public SyntheticOptions {
        positive(users, "users");
        positive(clusters, "clusters");
        if (items < clusters) {
            throw new IllegalArgumentException("items (" + items + ") must be at least clusters (" + clusters + ")");
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0, got " + events);
        }
        positive(leavesPerCluster, "leaves-per-cluster");
        positive(shops, "shops");
        positive(brands, "brands");
        positive(interestsPerUser, "interests-per-user");
        positive(concurrentSessions, "concurrent-sessions");
        if (itemZipfExponent < 0 || userActivityExponent < 0) {
            throw new IllegalArgumentException("Zipf exponents must be >= 0 (0 = uniform)");
        }
        if (meanSessionLength < 1) {
            throw new IllegalArgumentException("mean-session-length must be >= 1, got " + meanSessionLength);
        }
        probability(explorationRate, "exploration-rate");
        probability(leafStickiness, "leaf-stickiness");
        probability(driftRate, "drift-rate");
        if (meanEventGap.isNegative() || meanEventGap.isZero() || driftPeriod.isNegative() || driftPeriod.isZero()) {
            throw new IllegalArgumentException("mean-event-gap and drift-period must be positive durations");
        }
    }

    public static SyntheticOptions defaults() {
        return new SyntheticOptions(
                10_000,
                5_000,
                200_000,
                20,
                5,
                400,
                200,
                1.0,
                0.8,
                3,
                8.0,
                200,
                Duration.ofSeconds(60),
                0.1,
                0.6,
                Duration.ofDays(1),
                0.3,
                Instant.parse("2024-01-01T00:00:00Z"),
                42L);
    }

    /**
     * Defaults overridden by option pairs (as given on a command line): users, items, events, clusters,
     * leaves-per-cluster, shops, brands, item-zipf, user-zipf, interests-per-user, mean-session-length,
     * concurrent-sessions, mean-event-gap (ISO-8601 like PT60S, or seconds), exploration-rate,
     * leaf-stickiness, drift-period (ISO-8601 like P1D, or seconds), drift-rate, start (ISO instant), seed.
     */
    public static SyntheticOptions fromOptions(Map<String, String> options) {
        SyntheticOptions d = defaults();
        Map<String, String> o = new HashMap<>(options);
        SyntheticOptions r = new SyntheticOptions(
                get(o, "users", Integer::parseInt, d.users),
                get(o, "items", Integer::parseInt, d.items),
                get(o, "events", Long::parseLong, d.events),
                get(o, "clusters", Integer::parseInt, d.clusters),
                get(o, "leaves-per-cluster", Integer::parseInt, d.leavesPerCluster),
                get(o, "shops", Integer::parseInt, d.shops),
                get(o, "brands", Integer::parseInt, d.brands),
                get(o, "item-zipf", Double::parseDouble, d.itemZipfExponent),
                get(o, "user-zipf", Double::parseDouble, d.userActivityExponent),
                get(o, "interests-per-user", Integer::parseInt, d.interestsPerUser),
                get(o, "mean-session-length", Double::parseDouble, d.meanSessionLength),
                get(o, "concurrent-sessions", Integer::parseInt, d.concurrentSessions),
                get(o, "mean-event-gap", SyntheticOptions::duration, d.meanEventGap),
                get(o, "exploration-rate", Double::parseDouble, d.explorationRate),
                get(o, "leaf-stickiness", Double::parseDouble, d.leafStickiness),
                get(o, "drift-period", SyntheticOptions::duration, d.driftPeriod),
                get(o, "drift-rate", Double::parseDouble, d.driftRate),
                get(o, "start", Instant::parse, d.start),
                get(o, "seed", Long::parseLong, d.seed));
        if (!o.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown synthetic option(s) " + o.keySet() + "; known: users, items, events,"
                            + " clusters, leaves-per-cluster, shops, brands, item-zipf, user-zipf, interests-per-user,"
                            + " mean-session-length, concurrent-sessions, mean-event-gap, exploration-rate, leaf-stickiness,"
                            + " drift-period, drift-rate, start, seed");
        }
        return r;
    }

    public SyntheticOptions withSize(int users, int items, long events) {
        return new SyntheticOptions(
                users,
                items,
                events,
                clusters,
                leavesPerCluster,
                shops,
                brands,
                itemZipfExponent,
                userActivityExponent,
                interestsPerUser,
                meanSessionLength,
                concurrentSessions,
                meanEventGap,
                explorationRate,
                leafStickiness,
                driftPeriod,
                driftRate,
                start,
                seed);
    }

    public SyntheticOptions withSeed(long newSeed) {
        return new SyntheticOptions(
                users,
                items,
                events,
                clusters,
                leavesPerCluster,
                shops,
                brands,
                itemZipfExponent,
                userActivityExponent,
                interestsPerUser,
                meanSessionLength,
                concurrentSessions,
                meanEventGap,
                explorationRate,
                leafStickiness,
                driftPeriod,
                driftRate,
                start,
                newSeed);
    }

    public SyntheticOptions withDrift(Duration period, double rate) {
        return new SyntheticOptions(
                users,
                items,
                events,
                clusters,
                leavesPerCluster,
                shops,
                brands,
                itemZipfExponent,
                userActivityExponent,
                interestsPerUser,
                meanSessionLength,
                concurrentSessions,
                meanEventGap,
                explorationRate,
                leafStickiness,
                period,
                rate,
                start,
                seed);
    }

    /** Items actually generated: {@code items} rounded down to a multiple of {@code clusters}. */
    public int itemsPerCluster() {
        return items / clusters;
    }

    private static <T> T get(Map<String, String> o, String key, Function<String, T> parse, T dflt) {
        String v = o.remove(key);
        if (v == null) {
            return dflt;
        }
        try {
            return parse.apply(v.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "synthetic option " + key + "='" + v + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private static Duration duration(String v) {
        return v.chars().allMatch(c -> Character.isDigit(c) || c == '.')
                ? Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000))
                : Duration.parse(v);
    }

    private static void positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + v);
        }
    }

    private static void probability(double p, String name) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }
}
