package io.streamrec.model.data;

import io.streamrec.schemas.EventType;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Generated behaviour with structure a sequential recommender can find, sized by
 * {@link SyntheticOptions} and reproducible per seed.
 *
 * <ul>
 *   <li><b>Items</b> {@code i<n>} belong to cluster {@code n % clusters} (their category {@code c<k>}), with a
 *       leaf category, a shop and a brand of that cluster; inside a cluster popularity is Zipf by rank
 *       {@code n / clusters}.</li>
 *   <li><b>Users</b> {@code u<n>} are Zipf-active and hold 1..interestsPerUser interest clusters: a home cluster
 *       and random others. Every drift period each user may swap one interest for another (drift).</li>
 *   <li><b>Sessions</b> (explicit {@code sessionId}) pick one of the user's current interests; each event stays
 *       in the previous item's leaf category with {@code leafStickiness}, or explores a random popular item
 *       with {@code explorationRate}. Sessions interleave in time, {@code concurrentSessions} at once.</li>
 * </ul>
 *
 * <p>Events stream lazily: memory holds the Zipf tables and the open sessions, never the events or
 * per-user state, so millions of users are fine. A user's interests are recomputed from the seed
 * whenever a session starts.
 */
public final class SyntheticDataset implements EventDataset {

    private static final EventType[] TYPES = {
        EventType.VIEW, EventType.CLICK, EventType.CART, EventType.FAV, EventType.BUY
    };
    private static final double[] TYPE_CUMULATIVE = {0.80, 0.90, 0.95, 0.98, 1.0};

    private final SyntheticOptions options;
    private final ZipfSampler userActivity;
    private final ZipfSampler itemRank;
    private final long userStride;

    public SyntheticDataset(SyntheticOptions options) {
        this.options = options;
        this.userActivity = new ZipfSampler(options.users(), options.userActivityExponent());
        this.itemRank = new ZipfSampler(options.itemsPerCluster(), options.itemZipfExponent());
        this.userStride = coprimeStride(options.users());
    }

    @Override
    public String name() {
        return "synthetic";
    }

    public SyntheticOptions options() {
        return options;
    }

    @Override
    public Stream<UserEvent> events() {
        return StreamSupport.stream(new Generator(), false);
    }

    @Override
    public List<UserProfile> profiles() {
        return List.of();
    }

    /** The cluster (= category) item {@code i<n>} belongs to. */
    public int clusterOf(int item) {
        return item % options.clusters();
    }

    /**
     * The interest clusters of a user at an event time: a home cluster and random others, each
     * drift period possibly swapping one; a pure function of (seed, user, time).
     */
    int[] interestsAt(int user, long timestamp) {
        SplittableRandom own = new SplittableRandom(mix(options.seed(), user));
        int[] interests = new int[1 + own.nextInt(options.interestsPerUser())];
        for (int k = 0; k < interests.length; k++) {
            interests[k] = own.nextInt(options.clusters());
        }
        long period = options.driftPeriod().toMillis();
        long phase = own.nextLong(period);
        long epochs = Math.max(0, (timestamp - options.start().toEpochMilli() + phase) / period);
        for (long e = 1; e <= epochs; e++) {
            SplittableRandom drift = new SplittableRandom(mix(mix(options.seed(), user), e));
            if (drift.nextDouble() < options.driftRate()) {
                interests[drift.nextInt(interests.length)] = drift.nextInt(options.clusters());
            }
        }
        return interests;
    }

    private final class Generator extends Spliterators.AbstractSpliterator<UserEvent> {
        private final SplittableRandom random = new SplittableRandom(options.seed());
        private final OpenSession[] open = new OpenSession[options.concurrentSessions()];
        private final double meanArrivalMillis =
                (double) options.meanEventGap().toMillis() / options.concurrentSessions();
        private double clock = options.start().toEpochMilli();
        private long emitted;
        private long sessions;

        Generator() {
            super(options.events(), Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.SIZED);
        }

        @Override
        public boolean tryAdvance(Consumer<? super UserEvent> action) {
            if (emitted >= options.events()) {
                return false;
            }
            clock += -meanArrivalMillis * Math.log(1 - random.nextDouble());
            long timestamp = (long) clock;
            int slot = random.nextInt(open.length);
            if (open[slot] == null || open[slot].remaining == 0) {
                open[slot] = startSession(timestamp);
            }
            action.accept(open[slot].next(timestamp, emitted++));
            return true;
        }

        private OpenSession startSession(long timestamp) {
            int user = (int) ((userActivity.sample(random) * userStride) % options.users());
            int[] interests = interestsAt(user, timestamp);
            int cluster = interests[random.nextInt(interests.length)];
            double p = 1 / options.meanSessionLength();
            int length = 1 + (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - Math.min(p, 0.999999)));
            return new OpenSession(user, cluster, "s" + (sessions++), p >= 1 ? 1 : length);
        }

        private final class OpenSession {
            final int user;
            final int cluster;
            final String sessionId;
            int remaining;
            int lastLeaf = -1;

            OpenSession(int user, int cluster, String sessionId, int length) {
                this.user = user;
                this.cluster = cluster;
                this.sessionId = sessionId;
                this.remaining = length;
            }

            UserEvent next(long timestamp, long sequence) {
                remaining--;
                int leaves = options.leavesPerCluster();
                int perCluster = options.itemsPerCluster();
                int c = cluster;
                int rank = itemRank.sample(random);
                if (random.nextDouble() < options.explorationRate()) {
                    c = random.nextInt(options.clusters());
                } else if (lastLeaf >= 0 && random.nextDouble() < options.leafStickiness()) {
                    rank = rank - rank % leaves + lastLeaf;
                    if (rank >= perCluster) {
                        rank = lastLeaf < perCluster ? lastLeaf : rank % perCluster;
                    }
                }
                if (c == cluster) {
                    lastLeaf = rank % leaves;
                }
                int item = rank * options.clusters() + c;
                return UserEvent.newBuilder()
                        .setEventId("syn-" + sequence)
                        .setUserId("u" + user)
                        .setItemId("i" + item)
                        .setEventType(eventType(random.nextDouble()).wireName())
                        .setTimestamp(timestamp)
                        .setSessionId(sessionId)
                        .setLeafCategoryId("c" + c + "-l" + rank % leaves)
                        .setCategoryId("c" + c)
                        .setShopId("s" + groupOf(rank, c, options.shops()))
                        .setBrandId("b" + groupOf(rank * 31 + 7, c, options.brands()))
                        .setWeight(null)
                        .build();
            }
        }
    }

    /** One of the {@code total / clusters} shops (or brands) of cluster c, chosen by rank. */
    private int groupOf(int rank, int cluster, int total) {
        int perCluster = Math.max(1, total / options.clusters());
        return cluster * perCluster + Math.floorMod(rank * 2_654_435_761L >>> 7, perCluster);
    }

    private static EventType eventType(double u) {
        for (int i = 0; i < TYPES.length; i++) {
            if (u < TYPE_CUMULATIVE[i]) {
                return TYPES[i];
            }
        }
        return TYPES[TYPES.length - 1];
    }

    /** A stride coprime with n, so rank → (rank·stride mod n) scatters the most active users over the id space. */
    private static long coprimeStride(int n) {
        long stride = Math.max(1, (long) (n * 0.6180339887));
        while (gcd(stride, n) != 1) {
            stride++;
        }
        return stride;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
