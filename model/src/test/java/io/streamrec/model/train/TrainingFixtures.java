package io.streamrec.model.train;

import io.streamrec.model.estimator.EstimatorOptions;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small configurations and a synthetic stream with planted structure, shared by the model tests. */
public final class TrainingFixtures {

    private TrainingFixtures() {}

    /** D_item = D = 16, small vocabularies, no item-tower MLP. */
    public static TrainerConfig.Builder smallConfig() {
        return TrainerConfig.builder()
                .set(TrainerOptions.FEATURE_DIMS, List.of(8, 4, 4, 2, 2))
                .set(TrainerOptions.OUTPUT_DIM, 20)
                .vocabularyCapacity(10_000)
                .set(TrainerOptions.MAX_SESSION_LENGTH, 8)
                .set(TrainerOptions.MAX_LONG_TERM_LENGTH, 8)
                .set(EstimatorOptions.HASH_SLOTS, 1 << 12)
                .set(TrainerOptions.SPARSE_LEARNING_RATE, 0.02)
                .set(TrainerOptions.DENSE_LEARNING_RATE, 0.005)
                .set(TrainerOptions.SEED, 7L);
    }

    public static Behavior behavior(String itemId, String categoryId, long timestamp) {
        return Behavior.newBuilder()
                .setEventId("e-" + itemId + "-" + timestamp)
                .setItemId(itemId)
                .setEventType("view")
                .setTimestamp(timestamp)
                .setCategoryId(categoryId)
                .setLeafCategoryId(categoryId == null ? null : categoryId + "-leaf")
                .setWeight(1.0)
                .build();
    }

    public static FeatureSnapshot snapshot(
            String userId, List<Behavior> session, List<String> longTermItems, Map<String, String> profile) {
        return FeatureSnapshot.newBuilder()
                .setUserId(userId)
                .setEventId(
                        session.isEmpty() ? "" : session.get(session.size() - 1).getEventId())
                .setEventTime(
                        session.isEmpty() ? 0 : session.get(session.size() - 1).getTimestamp())
                .setSession(session)
                .setLongTerm(
                        LongTermFeatures.newBuilder().setItem(longTermItems).build())
                .setProfile(profile)
                .setSessionStart(session.isEmpty() ? 0 : session.get(0).getTimestamp())
                .build();
    }

    public static TrainingExample example(FeatureSnapshot context, Behavior target) {
        return TrainingExample.newBuilder()
                .setContext(context)
                .setTarget(target)
                .build();
    }

    /**
     * Items {@code i0..i(items-1)} in {@code clusters} clusters (item i in cluster i % clusters, which is
     * also its category). Each example's session holds 2–5 items of one cluster, its long-term history
     * 0–3 more, its profile a gender, and its target is another item of the same cluster: learnable, far above chance.
     */
    public static List<TrainingExample> clustered(int count, int items, int clusters, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int cluster = random.nextInt(clusters);
            List<Behavior> session = new ArrayList<>();
            int length = 2 + random.nextInt(4);
            for (int t = 0; t < length; t++) {
                session.add(itemOf(cluster, items, clusters, random, 1000L * n + t));
            }
            List<String> longTerm = new ArrayList<>();
            for (int t = random.nextInt(4); t > 0; t--) {
                longTerm.add(itemOf(cluster, items, clusters, random, 0).getItemId());
            }
            Behavior target = itemOf(cluster, items, clusters, random, 1000L * n + length);
            int user = random.nextInt(50);
            examples.add(example(
                    snapshot("u" + user, session, longTerm, Map.of("gender", user % 2 == 0 ? "f" : "m")), target));
        }
        return examples;
    }

    private static Behavior itemOf(int cluster, int items, int clusters, Random random, long timestamp) {
        int item = cluster + clusters * random.nextInt(items / clusters);
        return behavior("i" + item, "c" + cluster, timestamp);
    }
}
