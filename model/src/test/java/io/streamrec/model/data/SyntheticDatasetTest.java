package io.streamrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.UserEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    private static final SyntheticOptions SMALL = SyntheticOptions.defaults().withSize(2_000, 2_000, 40_000);

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() throws Exception {
        List<UserEvent> a = Fixtures.readAll(new SyntheticDataset(SMALL));
        List<UserEvent> b = Fixtures.readAll(new SyntheticDataset(SMALL));
        List<UserEvent> c = Fixtures.readAll(new SyntheticDataset(SMALL.withSeed(7)));

        assertThat(a).hasSize(40_000).isEqualTo(b);
        assertThat(c).hasSize(40_000);
        assertThat(c.subList(0, 100))
                .extracting(UserEvent::getItemId)
                .isNotEqualTo(
                        a.subList(0, 100).stream().map(UserEvent::getItemId).toList());
        assertThat(a).isSortedAccordingTo((x, y) -> Long.compare(x.getTimestamp(), y.getTimestamp()));
        assertThat(a).extracting(UserEvent::getEventId).doesNotHaveDuplicates();
    }

    @Test
    void itemPopularityIsZipfLike() throws Exception {
        List<UserEvent> events = Fixtures.readAll(new SyntheticDataset(SMALL));
        long[] counts =
                events.stream()
                        .collect(Collectors.groupingBy(UserEvent::getItemId, Collectors.counting()))
                        .values()
                        .stream()
                        .mapToLong(Long::longValue)
                        .sorted()
                        .toArray();
        long total = Arrays.stream(counts).sum();
        int top = counts.length / 10;
        long topShare =
                Arrays.stream(counts, counts.length - top, counts.length).sum();
        // Zipf(1) over 100 ranks per cluster gives the top 10% of items about half the events; uniform would give 10%
        assertThat((double) topShare / total).isGreaterThan(0.4);

        // within a cluster, the rank-frequency slope on log-log axes between ranks 1 and 20 is about -1
        long[] perRank = new long[SMALL.itemsPerCluster()];
        events.forEach(e -> perRank[Integer.parseInt(e.getItemId().substring(1)) / SMALL.clusters()]++);
        double slope = Math.log((double) perRank[19] / perRank[0]) / Math.log(20);
        assertThat(slope).isBetween(-1.3, -0.7);
    }

    @Test
    void sessionsStayInsideOneInterestCluster() throws Exception {
        List<UserEvent> events = Fixtures.readAll(new SyntheticDataset(SMALL));
        Map<String, String> lastCategoryOfSession = new HashMap<>();
        long pairs = 0;
        long sameCategory = 0;
        for (UserEvent e : events) {
            String previous = lastCategoryOfSession.put(e.getSessionId(), e.getCategoryId());
            if (previous != null) {
                pairs++;
                sameCategory += previous.equals(e.getCategoryId()) ? 1 : 0;
            }
        }
        // exploration 0.1 leaves a session's cluster; with 20 clusters chance alone would give 5%
        assertThat((double) sameCategory / pairs).isGreaterThan(0.75);
        assertThat(events).allSatisfy(e -> assertThat(e.getLeafCategoryId()).startsWith(e.getCategoryId() + "-l"));
    }

    @Test
    void usersHoldFewInterestsAndDriftChangesThem() {
        SyntheticDataset steady = new SyntheticDataset(SMALL.withDrift(Duration.ofDays(1), 0.0));
        SyntheticDataset drifting = new SyntheticDataset(SMALL.withDrift(Duration.ofDays(1), 1.0));
        long start = SMALL.start().toEpochMilli();
        long monthLater = start + Duration.ofDays(30).toMillis();
        int changedSteady = 0;
        int changedDrifting = 0;
        for (int user = 0; user < 200; user++) {
            assertThat(steady.interestsAt(user, start).length).isBetween(1, SMALL.interestsPerUser());
            changedSteady +=
                    Arrays.equals(steady.interestsAt(user, start), steady.interestsAt(user, monthLater)) ? 0 : 1;
            changedDrifting +=
                    Arrays.equals(drifting.interestsAt(user, start), drifting.interestsAt(user, monthLater)) ? 0 : 1;
        }
        assertThat(changedSteady).isZero();
        assertThat(changedDrifting).isGreaterThan(190);
    }

    @Test
    void streamsLazilyForMillionsOfUsers() {
        SyntheticDataset big =
                new SyntheticDataset(SyntheticOptions.defaults().withSize(2_000_000, 100_000, 5_000_000_000L));
        try (Stream<UserEvent> events = big.events()) {
            assertThat(events.limit(20_000).map(UserEvent::getUserId).distinct().count())
                    .isGreaterThan(1_000);
        }
    }

    @Test
    void optionsAreValidatedWithTheirNames() {
        assertThat(SyntheticOptions.fromOptions(Map.of("users", "50", "events", "10", "mean-event-gap", "30"))
                        .meanEventGap())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> SyntheticOptions.fromOptions(Map.of("users", "lots")))
                .hasMessageContaining("synthetic option users='lots' cannot be read");
        assertThatThrownBy(() -> SyntheticOptions.fromOptions(Map.of("drift-rate", "1.5")))
                .hasMessageContaining("drift-rate must be a probability in [0, 1], got 1.5");
        assertThatThrownBy(() -> SyntheticOptions.fromOptions(Map.of("colour", "red")))
                .hasMessageContaining("unknown synthetic option(s) [colour]");
    }
}
