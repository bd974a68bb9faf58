package io.streamrec.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.UserHistory;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.UserEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LongTermCacheTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final HistoryPolicy POLICY = HistoryPolicy.builder()
            .set(HistoryPolicy.SESSION_GAP, Duration.ofMinutes(10))
            .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofDays(7))
            .build();

    private RetrievalModel model;
    private RetrievalModel retrained;
    private final LongTermCache cache = new LongTermCache(100);
    private final UserHistory history = new UserHistory();
    private int eventCount;

    @BeforeEach
    void setUp() {
        model = sdm(7);
        retrained = sdm(8);
    }

    @AfterEach
    void tearDown() {
        model.close();
        retrained.close();
    }

    private static RetrievalModel sdm(long seed) {
        return RetrievalModel.create(
                TrainingFixtures.smallConfig().set(TrainerOptions.SEED, seed).build(),
                dims -> new SdmEncoder(dims, SdmConfig.defaults()));
    }

    @Test
    void theCachedLongTermBranchEqualsAFullRecomputationAfterSessionCloseExpiryAndAModelSwap() {
        // session s1 on day 0: its first event misses (new user), the rest hit
        FeatureSnapshot s1 = null;
        for (int i = 0; i < 3; i++) {
            s1 = apply("s1", "i" + i, "c" + i, T0 + minutes(i));
        }
        assertCachedEqualsFull(List.of(s1), 1, 0);
        assertThat(cache.misses()).isEqualTo(1);

        // session s2 on day 5 closes s1: L^u now holds s1's items, so the cached p^u is stale and must be recomputed
        FeatureSnapshot closed = apply("s2", "i10", "c1", T0 + days(5));
        assertThat(closed.getLongTerm().getItem()).containsExactly("i0", "i1", "i2");
        assertCachedEqualsFull(List.of(closed), 1, 0);
        FeatureSnapshot sameSession = apply("s2", "i11", "c1", T0 + days(5) + minutes(1));
        assertCachedEqualsFull(List.of(sameSession), 0, 1);

        // expiry: once event time is past the gap, day 0's entries fall out of the 7-day window without a new session
        history.expire(T0 + days(7) + minutes(30), POLICY);
        FeatureSnapshot expired = history.snapshot("u1");
        assertThat(expired.getLongTerm().getItem()).isEmpty();
        assertThat(expired.getSessionsClosed()).isEqualTo(sameSession.getSessionsClosed());
        assertCachedEqualsFull(List.of(expired), 1, 0);

        // a new model version: every entry is stale, whatever the content
        assertThat(vector(retrained, expired)).isNotEqualTo(vector(model, expired));
        List<EncodedUser> swapped = retrained.encode(List.of(expired), SessionBuckets.DEFAULT, cache, 2);
        assertClose(swapped.get(0), retrained.encode(List.of(expired)).get(0));
        assertThat(cache.misses()).isEqualTo(4);
    }

    @Test
    void aProfileChangeInvalidatesTheEntry() {
        FeatureSnapshot first = apply("s1", "i1", "c1", T0);
        assertCachedEqualsFull(List.of(first), 1, 0);
        FeatureSnapshot withProfile = FeatureSnapshot.newBuilder(first)
                .setProfile(java.util.Map.of("gender", "f"))
                .build();
        assertThat(LongTermCache.fingerprint(withProfile)).isNotEqualTo(LongTermCache.fingerprint(first));
        assertCachedEqualsFull(List.of(withProfile), 1, 0);
    }

    @Test
    void aBatchOfManyUsersAndLengthsEncodesInBucketsToTheSameVectorsInOrder() {
        List<FeatureSnapshot> batch = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            UserHistory user = new UserHistory();
            FeatureSnapshot last = null;
            for (int e = 0; e <= u % 9; e++) {
                String session = e < 2 ? "a" : "b";
                last = user.apply(event("u" + u, session, "i" + (u * 7 + e) % 30, "c" + e % 4, T0 + minutes(e)), POLICY)
                        .orElseThrow()
                        .after();
            }
            admit(last);
            batch.add(last);
        }
        SessionBuckets cheapPasses = new SessionBuckets(4, 1);
        assertThat(cheapPasses.partition(lengths(batch))).hasSizeGreaterThan(2);
        List<EncodedUser> full = model.encode(batch);
        List<EncodedUser> bucketed = model.encode(batch, cheapPasses, null, 1);
        List<EncodedUser> cached = model.encode(batch, cheapPasses, cache, 1);
        List<EncodedUser> again = model.encode(batch, cheapPasses, cache, 1);
        for (int i = 0; i < batch.size(); i++) {
            assertClose(bucketed.get(i), full.get(i));
            assertClose(cached.get(i), full.get(i));
            assertClose(again.get(i), full.get(i));
        }
        assertThat(cache.hits()).isEqualTo(batch.size());
    }

    @Test
    void theCacheKeepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        LongTermCache small = new LongTermCache(2);
        small.put("a", 1, 1, new float[0][]);
        small.put("b", 1, 1, new float[0][]);
        assertThat(small.get("a", 1, 1)).isNotNull();
        small.put("c", 1, 1, new float[0][]);
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.get("b", 1, 1)).isNull();
        assertThat(small.get("a", 1, 1)).isNotNull();
        assertThat(small.get("a", 2, 1)).isNull();
        assertThat(small.get("a", 1, 2)).isNull();
    }

    private int[] lengths(List<FeatureSnapshot> batch) {
        return batch.stream()
                .mapToInt(s -> Math.max(1, Math.min(8, s.getSession().size())))
                .toArray();
    }

    /** Encodes with the cache at version 1 and checks hits/misses grew by the expected counts and the vectors match. */
    private void assertCachedEqualsFull(List<FeatureSnapshot> snapshots, int newMisses, int newHits) {
        long misses = cache.misses();
        long hits = cache.hits();
        List<EncodedUser> cached = model.encode(snapshots, SessionBuckets.DEFAULT, cache, 1);
        List<EncodedUser> full = model.encode(snapshots);
        for (int i = 0; i < snapshots.size(); i++) {
            assertClose(cached.get(i), full.get(i));
        }
        assertThat(cache.misses() - misses).as("misses").isEqualTo(newMisses);
        assertThat(cache.hits() - hits).as("hits").isEqualTo(newHits);
    }

    private static float[] vector(RetrievalModel m, FeatureSnapshot s) {
        return m.encode(List.of(s)).get(0).vector();
    }

    private static void assertClose(EncodedUser actual, EncodedUser expected) {
        assertThat(actual.vector()).containsExactly(expected.vector(), within(1e-5f));
        assertThat(actual.interests()[0]).containsExactly(expected.interests()[0], within(1e-5f));
    }

    private FeatureSnapshot apply(String session, String item, String category, long time) {
        FeatureSnapshot after = history.apply(event("u1", session, item, category, time), POLICY)
                .orElseThrow()
                .after();
        admit(after);
        return after;
    }

    private void admit(FeatureSnapshot snapshot) {
        model.embeddings().admit(snapshot, 1);
        retrained.embeddings().admit(snapshot, 1);
    }

    private UserEvent event(String user, String session, String item, String category, long time) {
        return UserEvent.newBuilder()
                .setEventId("e" + eventCount++)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(time)
                .setSessionId(session)
                .setCategoryId(category)
                .setShopId("shop-" + category)
                .build();
    }

    private static long minutes(long m) {
        return Duration.ofMinutes(m).toMillis();
    }

    private static long days(long d) {
        return Duration.ofDays(d).toMillis();
    }
}
