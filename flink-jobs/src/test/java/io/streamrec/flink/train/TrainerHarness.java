package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.fail;

import io.streamrec.model.sync.LatestPublishedVersion;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * Flink's one-input operator test harness around a real {@link TrainerOperator} (real DJL), plus what the
 * harness leaves to the test: running the mails the training thread posts, and waiting for it.
 */
final class TrainerHarness implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    final OneInputStreamOperatorTestHarness<TrainingExample, ModelUpdate> harness;
    private int taken;

    private TrainerHarness(TrainerOperatorConfig config, LatestPublishedVersion published) throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new TrainerOperatorFactory(config, published), new AvroSerializer<>(TrainingExample.class));
    }

    /** Opens a trainer at processing time 0, restored from {@code restored} when it is not null. */
    static TrainerHarness open(TrainerOperatorConfig config, OperatorSubtaskState restored) throws Exception {
        return open(config, restored, LatestPublishedVersion.NONE);
    }

    /** As {@link #open(TrainerOperatorConfig, OperatorSubtaskState)}, with versions already published. */
    static TrainerHarness open(
            TrainerOperatorConfig config, OperatorSubtaskState restored, LatestPublishedVersion published)
            throws Exception {
        TrainerHarness h = new TrainerHarness(config, published);
        h.harness.setProcessingTime(0);
        if (restored == null) {
            h.harness.initializeEmptyState();
        } else {
            h.harness.initializeState(restored);
        }
        h.harness.open();
        return h;
    }

    TrainerOperator operator() {
        return (TrainerOperator) harness.getOneInputOperator();
    }

    TrainingLoop loop() {
        return operator().loop();
    }

    void feed(List<TrainingExample> examples) throws Exception {
        for (TrainingExample e : examples) {
            harness.processElement(new StreamRecord<>(e));
        }
    }

    /** Feeds {@code examples} and waits until the trainer has trained {@code trainedAfter} in total. */
    void feedAndTrain(List<TrainingExample> examples, long trainedAfter) throws Exception {
        feed(examples);
        await(() -> loop().trained() >= trainedAfter, "the trainer to train " + trainedAfter + " examples");
    }

    /** Runs posted mails until {@code condition} holds; fails after a minute. */
    void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!runMails()) {
                Thread.sleep(5);
            }
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what);
            }
        }
        runMails();
    }

    /** Runs the mails waiting in the task's mailbox; returns whether there were any. */
    boolean runMails() throws Exception {
        boolean ran = false;
        Optional<Mail> mail;
        while ((mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
            mail.get().run();
            ran = true;
        }
        return ran;
    }

    /** Advances processing time (firing the due timers) and waits until {@code chunks} more updates were emitted. */
    List<ModelUpdate> advanceTo(long time, int atLeastChunks) throws Exception {
        harness.setProcessingTime(time);
        await(
                () -> harness.extractOutputValues().size() >= taken + atLeastChunks,
                atLeastChunks + " more model-update chunks");
        return newUpdates();
    }

    /** The updates emitted since the last call. */
    List<ModelUpdate> newUpdates() {
        List<ModelUpdate> all = harness.extractOutputValues();
        List<ModelUpdate> fresh = new ArrayList<>(all.subList(taken, all.size()));
        taken = all.size();
        return fresh;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
