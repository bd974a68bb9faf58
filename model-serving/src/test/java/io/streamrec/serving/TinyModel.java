package io.streamrec.serving;

import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.estimator.EstimatorOptions;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryReplay;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A real, small online trainer on a synthetic stream: the source of the model updates and user vectors the serving
 * tests serve, as the job would publish them.
 */
public final class TinyModel implements AutoCloseable {

    private static final int BATCH = 32;

    private final List<HistoryStep> steps;
    private final OnlineTrainer trainer;
    private final ModelUpdates updates;
    private int trained;

    public TinyModel(String encoder, int users, int items, int events) {
        SyntheticOptions options =
                SyntheticOptions.defaults().withSize(users, items, events).withSeed(17);
        this.steps = new HistoryReplay(HistoryPolicy.defaults())
                .replay(new SyntheticDataset(options).events())
                .toList();
        TrainerConfig config = TrainerConfig.builder()
                .set(TrainerOptions.FEATURE_DIMS, List.of(8, 4, 4, 2, 2))
                .set(TrainerOptions.OUTPUT_DIM, 20)
                .vocabularyCapacity(5_000)
                .set(TrainerOptions.MAX_SESSION_LENGTH, 10)
                .set(TrainerOptions.MAX_LONG_TERM_LENGTH, 10)
                .set(EstimatorOptions.HASH_SLOTS, 1 << 12)
                .set(TrainerOptions.BATCH_SIZE, BATCH)
                .set(TrainerOptions.SEED, 3L)
                .build();
        Map<String, String> settings = encoder.equals("sine")
                ? Map.of("sine.concepts", "8", "sine.interests", "3")
                : encoder.equals("meanpool") ? Map.of("meanpool.hidden", "16") : Map.of();
        this.trainer = new OnlineTrainer(config, Encoders.factory(encoder, settings));
        this.updates = new ModelUpdates(trainer, 64 * 1024, Clock.systemUTC());
    }

    public TinyModel train(int batches) {
        for (int b = 0; b < batches; b++, trained++) {
            int from = (trained * BATCH) % (steps.size() - BATCH);
            trainer.step(steps.subList(from, from + BATCH).stream()
                    .map(HistoryStep::example)
                    .toList());
        }
        return this;
    }

    public String name() {
        return trainer.model().encoder().name();
    }

    public List<ModelUpdate> full() {
        return updates.full();
    }

    public List<ModelUpdate> delta(long since) {
        return updates.delta(since);
    }

    /** Each user's state after their last event in the first {@code count} steps. */
    public List<FeatureSnapshot> lastSnapshots(int count) {
        Map<String, FeatureSnapshot> last = new java.util.LinkedHashMap<>();
        for (HistoryStep step : steps.subList(0, Math.min(count, steps.size()))) {
            last.put(step.after().getUserId(), step.after());
        }
        return new ArrayList<>(last.values());
    }

    /** The vectors the job's encoder would publish for {@code snapshots} at {@code version}. */
    public List<UserVector> vectors(List<FeatureSnapshot> snapshots, long version) {
        List<EncodedUser> encoded = trainer.encode(snapshots);
        List<UserVector> vectors = new ArrayList<>();
        for (int i = 0; i < snapshots.size(); i++) {
            FeatureSnapshot s = snapshots.get(i);
            List<List<Float>> interests = new ArrayList<>();
            for (float[] interest : encoded.get(i).interests()) {
                interests.add(boxed(interest));
            }
            LinkedHashSet<String> recent = new LinkedHashSet<>();
            for (int j = s.getSession().size() - 1; j >= 0; j--) {
                recent.add(s.getSession().get(j).getItemId());
            }
            List<String> longTerm = s.getLongTerm().getItem();
            for (int j = longTerm.size() - 1; j >= 0; j--) {
                recent.add(longTerm.get(j));
            }
            vectors.add(UserVector.newBuilder()
                    .setUserId(s.getUserId())
                    .setModelName(name())
                    .setModelVersion(version)
                    .setEventTime(s.getEventTime())
                    .setEventId(s.getEventId())
                    .setInterests(interests)
                    .setVector(boxed(encoded.get(i).vector()))
                    .setRecentItems(new ArrayList<>(recent))
                    .build());
        }
        return vectors;
    }

    static List<Float> boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        Arrays.setAll(boxed, i -> values[i]);
        return Arrays.asList(boxed);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
