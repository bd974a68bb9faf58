package io.streamrec.flink.encode;

import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryReplay;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.TrainingFixtures;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A real, small online trainer on a synthetic stream replayed through the user-history rules: the source of the
 * model updates the encoder tests apply, and of the feature snapshots they encode.
 */
final class TrainedModel implements AutoCloseable {

    private static final int BATCH = 32;
    /** Small enough that a FULL update spans several chunks. */
    private static final int MAX_MESSAGE_BYTES = 48 * 1024;

    private final List<HistoryStep> steps;
    private final OnlineTrainer trainer;
    private final ModelUpdates updates;
    private int trainedBatches;

    TrainedModel(String encoder, int events) {
        SyntheticOptions options =
                SyntheticOptions.defaults().withSize(300, 400, events).withSeed(17);
        this.steps = new HistoryReplay(HistoryPolicy.defaults())
                .replay(new SyntheticDataset(options).events())
                .toList();
        TrainerConfig config = TrainingFixtures.smallConfig()
                .set(TrainerOptions.BATCH_SIZE, BATCH)
                .set(TrainerOptions.SEED, 3L)
                .build();
        this.trainer = new OnlineTrainer(config, Encoders.factory(encoder, Map.of()));
        this.updates = new ModelUpdates(trainer, MAX_MESSAGE_BYTES, Clock.systemUTC());
    }

    /** Takes the next {@code batches} training steps on the stream (wrapping around at its end). */
    TrainedModel train(int batches) {
        for (int b = 0; b < batches; b++, trainedBatches++) {
            int from = (trainedBatches * BATCH) % (steps.size() - BATCH);
            trainer.step(steps.subList(from, from + BATCH).stream()
                    .map(HistoryStep::example)
                    .toList());
        }
        return this;
    }

    List<ModelUpdate> full() {
        return updates.full();
    }

    List<ModelUpdate> delta(List<ModelUpdate> since) {
        return updates.delta(since.get(0).getVersion());
    }

    /** The first {@code count} users' states after each event, in stream order. */
    List<FeatureSnapshot> snapshots(int count) {
        if (count > steps.size()) {
            throw new IllegalArgumentException("the stream has only " + steps.size() + " steps, asked for " + count);
        }
        return steps.subList(0, count).stream().map(HistoryStep::after).toList();
    }

    /** The trainer's own user vectors at its current weights. */
    List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return trainer.encode(snapshots);
    }

    @Override
    public void close() {
        trainer.close();
    }
}
