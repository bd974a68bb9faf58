package io.streamrec.flink.train;

import io.streamrec.model.train.TrainingFixtures;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Synthetic training examples for the trainer operator tests. */
final class SequenceStreams {

    private SequenceStreams() {}

    /**
     * A stream with planted sequential structure: the items lie on one fixed random cycle; each example's
     * session is the last 1–3 items walked along it and its target is the next one. Targets are uniform over
     * the items, so popularity's HR@50 is about 50 / {@code items}, while a sequence model can learn the walk.
     */
    static List<TrainingExample> walks(int count, int items, long seed) {
        Random random = new Random(seed);
        int[] next = new int[items];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed ^ 0x5DEECE66DL));
        for (int i = 0; i < items; i++) {
            next[order.get(i)] = order.get((i + 1) % items);
        }
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int item = random.nextInt(items);
            int length = 1 + random.nextInt(3);
            List<Behavior> session = new ArrayList<>();
            for (int t = 0; t < length; t++) {
                session.add(behavior("i" + item, 1000L * n + t));
                item = next[item];
            }
            examples.add(example("u" + random.nextInt(100), session, behavior("i" + item, 1000L * n + length)));
        }
        return examples;
    }

    /**
     * A time-ordered stream of per-user bursts, as MovieLens replayed in time order: user 0 rates
     * {@code perUser} random items in a row, then user 1, and so on.
     */
    static List<TrainingExample> bursts(int users, int perUser, int items, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> examples = new ArrayList<>(users * perUser);
        long time = 0;
        for (int u = 0; u < users; u++) {
            String previous = "i" + random.nextInt(items);
            for (int n = 0; n < perUser; n++, time += 2) {
                String next = "i" + random.nextInt(items);
                examples.add(example("u" + u, List.of(behavior(previous, time)), behavior(next, time + 1)));
                previous = next;
            }
        }
        return examples;
    }

    /** One example per target id, each with a one-item session {@code contextItem}. */
    static List<TrainingExample> targets(String contextItem, List<String> targetIds) {
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < targetIds.size(); i++) {
            examples.add(example("u" + i, List.of(behavior(contextItem, i)), behavior(targetIds.get(i), i + 1)));
        }
        return examples;
    }

    static Behavior behavior(String itemId, long timestamp) {
        return Behavior.newBuilder()
                .setEventId("e-" + itemId + "-" + timestamp)
                .setItemId(itemId)
                .setEventType("view")
                .setTimestamp(timestamp)
                .setCategoryId("c" + Math.abs(itemId.hashCode() % 7))
                .setWeight(1.0)
                .build();
    }

    static TrainingExample example(String userId, List<Behavior> session, Behavior target) {
        return TrainingFixtures.example(TrainingFixtures.snapshot(userId, session, List.of(), Map.of()), target);
    }
}
