package io.streamrec.flink.encode;

import static io.streamrec.flink.encode.VectorAssertions.assertSameVector;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user who sends 100,000 events in one burst, through the encoder operator in Flink's harness with a real SDM
 * replica. Processing time is the harness's own: what is asserted is which vectors leave when, and how many forward
 * passes the burst costs, not how fast a machine runs them.
 */
class BurstingUserTest {

    private static final int BURST = 100_000;
    private static final String BURST_USER = "bursting-user";
    private static final Duration BATCH_DELAY = Duration.ofMillis(20);
    private static final Duration LATENCY_BUDGET = Duration.ofMillis(25);
    private static final int BATCH = EncoderOperatorConfig.MAX_BATCH_RECORDS.defaultValue();

    private TrainedModel model;
    private UserVectorEncoderOperator operator;
    private TwoInputStreamOperatorTestHarness<FeatureSnapshot, ModelUpdate, UserVector> harness;

    @BeforeAll
    static void oneIntraOpThread() {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
    }

    @BeforeEach
    void trainALittle() {
        model = new TrainedModel(SdmEncoder.NAME, 4_000).train(4);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** Snapshots that may wait aside (and before a first model); the default is 100,000. */
    private static final int MAX_WAITING = 4_096;

    private static EncoderOperatorConfig config() {
        return EncoderOperatorConfig.builder()
                .model(SdmEncoder.NAME)
                .set(EncoderOperatorConfig.MAX_BATCH_RECORDS, BATCH)
                .set(EncoderOperatorConfig.MAX_BATCH_DELAY, BATCH_DELAY)
                .set(EncoderOperatorConfig.LATENCY_BUDGET, LATENCY_BUDGET)
                .set(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS, MAX_WAITING)
                .build();
    }

    private void start(OperatorSubtaskState restored) throws Exception {
        operator = new UserVectorEncoderOperator(config());
        harness = new TwoInputStreamOperatorTestHarness<>(operator);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private void applyFullAndAwait() throws Exception {
        List<ModelUpdate> full = model.full();
        for (ModelUpdate chunk : full) {
            harness.processElement2(chunk, Long.MIN_VALUE);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (operator.modelVersion() < full.get(0).getVersion()) {
            assertThat(System.nanoTime()).as("the FULL swapped in within 60 s").isLessThan(deadline);
            Thread.sleep(2);
            advance(UserVectorEncoderOperator.ASSEMBLY_POLL_MS);
        }
    }

    private void advance(long millis) throws Exception {
        harness.setProcessingTime(harness.getProcessingTime() + millis);
    }

    private void send(FeatureSnapshot snapshot) throws Exception {
        harness.processElement1(snapshot, snapshot.getEventTime());
    }

    private List<UserVector> drainOutput() {
        List<UserVector> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    /** The bursting user's {@code n}-th event: the same history as {@code like}, a new event each time. */
    private static FeatureSnapshot burst(FeatureSnapshot like, int n) {
        return FeatureSnapshot.newBuilder(like)
                .setUserId(BURST_USER)
                .setEventId("burst-" + n)
                .setEventTime(like.getEventTime() + n)
                .build();
    }

    @Test
    void aUserWithAHundredThousandEventsInOneBurstDoesNotHoldUpOtherUsersVectors() throws Exception {
        start(null);
        applyFullAndAwait();
        drainOutput();
        List<FeatureSnapshot> others = model.snapshots(BURST / 250);
        FeatureSnapshot like = others.get(others.size() - 1);

        Map<String, Long> sentAt = new HashMap<>();
        Map<String, Long> vectorAt = new HashMap<>();
        Map<String, UserVector> otherVectors = new HashMap<>();
        List<UserVector> burstVectors = new ArrayList<>();
        Runnable collect = () -> {
            for (UserVector v : drainOutput()) {
                if (v.getUserId().equals(BURST_USER)) {
                    burstVectors.add(v);
                } else {
                    assertThat(vectorAt.put(v.getEventId(), harness.getProcessingTime()))
                            .as("one vector per event of the other users")
                            .isNull();
                    otherVectors.put(v.getEventId(), v);
                }
            }
        };
        // 100,000 events in 2 s of processing time, with another user's event after every 250 of them
        int other = 0;
        for (int n = 0; n < BURST; n++) {
            send(burst(like, n));
            if (n % 250 == 249) {
                FeatureSnapshot snapshot = others.get(other++);
                sentAt.put(snapshot.getEventId(), harness.getProcessingTime());
                send(snapshot);
            }
            if (n % 50 == 49) {
                advance(1);
                collect.run();
            }
        }
        for (int ms = 0; ms < 60_000 && operator.deferredSnapshots() > 0; ms++) {
            advance(1);
            collect.run();
        }
        advance(LATENCY_BUDGET.toMillis());
        collect.run();

        assertThat(vectorAt.keySet()).containsExactlyInAnyOrderElementsOf(sentAt.keySet());
        sentAt.forEach((eventId, sent) -> assertThat(vectorAt.get(eventId) - sent)
                .as("ms from event %s of another user to its vector", eventId)
                .isLessThanOrEqualTo(LATENCY_BUDGET.toMillis()));
        int checked = 0;
        for (FeatureSnapshot snapshot : others.subList(0, 8)) {
            assertSameVector(
                    otherVectors.get(snapshot.getEventId()),
                    model.encode(List.of(snapshot)).get(0));
            checked++;
        }
        assertThat(checked).isEqualTo(8);

        assertThat(burstVectors)
                .as("the burst's vectors in its event order")
                .extracting(UserVector::getEventTime)
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(burstVectors.get(burstVectors.size() - 1).getEventId())
                .as("the user ends with the vector of its newest event")
                .isEqualTo("burst-" + (BURST - 1));
        assertSameVector(
                burstVectors.get(burstVectors.size() - 1),
                model.encode(List.of(burst(like, BURST - 1))).get(0));
        int share = UserVectorEncoderOperator.USER_SHARE;
        assertThat(burstVectors.subList(0, share))
                .as("the burst's first %d events fit in the batch they came to", share)
                .extracting(UserVector::getEventId)
                .containsExactlyElementsOf(
                        IntStream.range(0, share).mapToObj(n -> "burst-" + n).toList());
        // USER_SHARE of the burst per batch (about 100 batches in the burst's 2 s), then at most the MAX_WAITING
        // that waited aside: about 10,500 forward passes, not 100,000
        assertThat(burstVectors.size())
                .as("forward passes spent on the burst's 100,000 events")
                .isLessThan(BURST / 5);
        assertThat(operator.supersededSnapshots()).isEqualTo((long) BURST - burstVectors.size());
    }

    @Test
    void snapshotsWaitingAsideSurviveACheckpointAndEveryOneGetsItsVectorInOrder() throws Exception {
        start(null);
        applyFullAndAwait();
        drainOutput();
        FeatureSnapshot like = model.snapshots(100).get(99);
        List<String> sent = new ArrayList<>();
        for (int n = 0; n < 1_000; n++) {
            send(burst(like, n));
            sent.add("burst-" + n);
        }
        assertThat(operator.deferredSnapshots()).isEqualTo(1_000 - UserVectorEncoderOperator.USER_SHARE);
        harness.prepareSnapshotPreBarrier(1);
        List<UserVector> before = drainOutput();
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        start(checkpoint);
        assertThat(operator.pendingSnapshots()).isEqualTo(1_000 - before.size());
        applyFullAndAwait();
        List<String> vectors =
                new ArrayList<>(before.stream().map(UserVector::getEventId).toList());
        vectors.addAll(drainOutput().stream().map(UserVector::getEventId).toList());
        assertThat(vectors).containsExactlyElementsOf(sent);
    }
}
