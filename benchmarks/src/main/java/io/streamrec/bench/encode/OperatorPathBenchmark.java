package io.streamrec.bench.encode;

import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.LongTermCache;
import io.streamrec.model.train.RetrievalModel;
import io.streamrec.model.train.SessionBuckets;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * What the encoder operator pays per user for a micro-batch of real snapshots, rather than for a tensor of full
 * sessions: session lengths as the synthetic generator draws them (geometric, mean 8, at most 50), 20 long-term ids
 * per feature, embedding lookups included. Three ways, in the same run: the batch padded to its longest session, in
 * buckets of similar length ({@link SessionBuckets#DEFAULT}), and in buckets with SDM's long-term branch cached
 * ({@link LongTermCache}) at a hit rate of 7 in 8 (a user's long-term history changes when a session closes, once
 * per 8 events at that mean session length).
 */
final class OperatorPathBenchmark {

    private static final int LONG_TERM = 20;
    private static final double MEAN_SESSION = 8;

    private OperatorPathBenchmark() {}

    static void run(int batch, double seconds) {
        TrainerConfig config = TrainerConfig.builder()
                .set(TrainerOptions.FEATURE_DIMS, List.of(32, 8, 8, 8, 8))
                .set(TrainerOptions.OUTPUT_DIM, 64)
                .vocabularyCapacity(100_000)
                .set(TrainerOptions.MAX_SESSION_LENGTH, 50)
                .set(TrainerOptions.MAX_LONG_TERM_LENGTH, 50)
                .set(TrainerOptions.SEED, 3L)
                .build();
        try (RetrievalModel model = RetrievalModel.create(config, dims -> new SdmEncoder(dims, SdmConfig.defaults()))) {
            SplittableRandom random = new SplittableRandom(5);
            List<FeatureSnapshot> current = new ArrayList<>();
            List<FeatureSnapshot> alternate = new ArrayList<>();
            for (int u = 0; u < batch; u++) {
                List<Behavior> session = new ArrayList<>();
                int length =
                        Math.min(50, 1 + (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - 1 / MEAN_SESSION)));
                for (int t = 0; t < length; t++) {
                    session.add(behavior(random.nextInt(50_000), t));
                }
                current.add(snapshot("u" + u, session, longTerm(random)));
                alternate.add(snapshot("u" + u, session, longTerm(random)));
            }
            current.forEach(s -> model.embeddings().admit(s, 1));
            alternate.forEach(s -> model.embeddings().admit(s, 1));

            double padded = rate(batch, seconds, () -> model.encode(current));
            double bucketed = rate(batch, seconds, () -> model.encode(current, SessionBuckets.DEFAULT, null, 1));
            LongTermCache cache = new LongTermCache(batch * 2);
            int[] pass = {0};
            List<FeatureSnapshot> mixed = new ArrayList<>(current);
            double cached = rate(batch, seconds, () -> {
                // every pass, an eighth of the users have a changed long-term history
                for (int u = pass[0] % 8; u < batch; u += 8) {
                    mixed.set(u, mixed.get(u) == current.get(u) ? alternate.get(u) : current.get(u));
                }
                pass[0]++;
                return model.encode(mixed, SessionBuckets.DEFAULT, cache, 1);
            });
            double hitRate = cache.hits() / (double) (cache.hits() + cache.misses());
            System.out.printf(
                    Locale.ROOT,
                    "operator path, SDM, batch %d, sessions mean %.1f (max 50), L_f=%d: padded %,.0f users/s,"
                            + " bucketed %,.0f users/s (%.2fx), bucketed + long-term cache %,.0f users/s (%.2fx;"
                            + " hit rate %.2f)%n",
                    batch,
                    current.stream()
                            .mapToInt(s -> s.getSession().size())
                            .average()
                            .orElse(0),
                    LONG_TERM,
                    padded,
                    bucketed,
                    bucketed / padded,
                    cached,
                    cached / padded,
                    hitRate);
        }
    }

    private static double rate(int batch, double seconds, Supplier<List<EncodedUser>> pass) {
        long warmUpEnd = System.nanoTime() + (long) (Math.min(1.0, seconds / 3) * 1e9);
        while (System.nanoTime() < warmUpEnd) {
            pass.get();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long passes = 0;
        while (System.nanoTime() < end || passes < 3) {
            pass.get();
            passes++;
        }
        return passes * (double) batch / ((System.nanoTime() - start) / 1e9);
    }

    private static LongTermFeatures longTerm(SplittableRandom random) {
        List<String> items = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        List<String> shops = new ArrayList<>();
        List<String> brands = new ArrayList<>();
        for (int i = 0; i < LONG_TERM; i++) {
            int item = random.nextInt(50_000);
            items.add("i" + item);
            leaves.add("l" + item % 2000);
            categories.add("c" + item % 100);
            shops.add("s" + item % 5000);
            brands.add("b" + item % 3000);
        }
        return new LongTermFeatures(items, leaves, categories, shops, brands);
    }

    private static Behavior behavior(int item, long time) {
        return Behavior.newBuilder()
                .setEventId("e" + item + "-" + time)
                .setItemId("i" + item)
                .setEventType("view")
                .setTimestamp(time)
                .setLeafCategoryId("l" + item % 2000)
                .setCategoryId("c" + item % 100)
                .setShopId("s" + item % 5000)
                .setBrandId("b" + item % 3000)
                .setWeight(1.0)
                .build();
    }

    private static FeatureSnapshot snapshot(String user, List<Behavior> session, LongTermFeatures longTerm) {
        return FeatureSnapshot.newBuilder()
                .setUserId(user)
                .setEventId(session.get(session.size() - 1).getEventId())
                .setEventTime(session.size())
                .setSession(session)
                .setLongTerm(longTerm)
                .setProfile(Map.of())
                .setSessionStart(0)
                .build();
    }
}
