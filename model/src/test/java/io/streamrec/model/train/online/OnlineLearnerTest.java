package io.streamrec.model.train.online;

import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineLearnerTest {

    private static final int BATCH = 32;

    private static OnlineLearner learner(OnlineTrainer trainer, double replayRatio, int queue, long[] clock) {
        return new OnlineLearner(
                trainer,
                new PrequentialEvaluator(PrequentialEvaluator.Settings.defaults(true), 10),
                new OnlineLearner.Policy(queue, 0, Duration.ofMillis(100), replayRatio, 1024, 3),
                () -> clock[0]);
    }

    @Test
    void aRoundIsDueForAWholeBatchOrOnceTheOldestExampleHasWaitedTheDelay() {
        long[] clock = {0};
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig().set(TrainerOptions.BATCH_SIZE, BATCH).build(), MeanPoolEncoder.factory(16))) {
            OnlineLearner learner = learner(trainer, 0, 1000, clock);
            List<TrainingExample> stream = clustered(BATCH + 3, 100, 5, 1);
            learner.offer(stream.get(0));
            assertThat(learner.roundDue()).isFalse();
            clock[0] = Duration.ofMillis(99).toNanos();
            assertThat(learner.roundDue()).isFalse();
            clock[0] = Duration.ofMillis(100).toNanos();
            assertThat(learner.roundDue()).as("one example, waited the delay").isTrue();
            OnlineLearner.Round first = learner.round(true);
            assertThat(first.fresh()).isEqualTo(1);
            assertThat(first.trained()).isTrue();
            assertThat(learner.trained()).isEqualTo(1);
            stream.subList(1, BATCH + 1).forEach(learner::offer);
            assertThat(learner.roundDue()).as("a whole batch").isTrue();
            assertThat(learner.round(true).fresh()).isEqualTo(BATCH);
            assertThat(learner.evaluator().totals().scored()).isEqualTo(BATCH + 1);
        }
    }

    @Test
    void withRoomTheStepIsToppedUpWithReplaysButFreshOnesAreCountedOnce() {
        long[] clock = {0};
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig().set(TrainerOptions.BATCH_SIZE, BATCH).build(), MeanPoolEncoder.factory(16))) {
            OnlineLearner learner = learner(trainer, 1.0, 1000, clock);
            List<TrainingExample> stream = clustered(10 * 8, 100, 5, 2);
            for (int from = 0; from < stream.size(); from += 8) {
                stream.subList(from, from + 8).forEach(learner::offer);
                OnlineLearner.Round round = learner.round(false);
                assertThat(round.fresh()).isEqualTo(8);
                assertThat(round.replayed()).isEqualTo(from == 0 ? 0 : 8);
                assertThat(round.batch()).hasSize(8 + round.replayed());
            }
            assertThat(learner.trained()).isEqualTo(stream.size());
            assertThat(learner.replayed()).isEqualTo(stream.size() - 8);
            assertThat(learner.fractionTrained()).isEqualTo(1.0);
        }
    }

    @Test
    void aFullBatchOfFreshExamplesLeavesNoRoomForReplay() {
        long[] clock = {0};
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig().set(TrainerOptions.BATCH_SIZE, BATCH).build(), MeanPoolEncoder.factory(16))) {
            OnlineLearner learner = learner(trainer, 1.0, 1000, clock);
            List<TrainingExample> stream = clustered(3 * BATCH, 100, 5, 3);
            stream.forEach(learner::offer);
            for (int r = 0; r < 3; r++) {
                assertThat(learner.round(false).replayed()).isZero();
            }
        }
    }

    @Test
    void aTrainerThatFallsBehindTrainsASampleAndSaysHowMuch() {
        long[] clock = {0};
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig().set(TrainerOptions.BATCH_SIZE, BATCH).build(), MeanPoolEncoder.factory(16))) {
            OnlineLearner learner = learner(trainer, 1.0, BATCH, clock);
            List<TrainingExample> stream = clustered(10 * BATCH, 100, 5, 4);
            // ten batches arrive while the trainer can take one
            stream.forEach(learner::offer);
            learner.round(false);
            assertThat(learner.queue().dropped()).isEqualTo(9 * BATCH);
            assertThat(learner.fractionTrained()).isEqualTo(0.1);
        }
    }
}
