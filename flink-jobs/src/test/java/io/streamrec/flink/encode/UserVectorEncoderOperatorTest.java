package io.streamrec.flink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The encoder operator in Flink's two-input harness, with a real DJL replica fed by a real small trainer's updates. */
class UserVectorEncoderOperatorTest {

    private static final float TOLERANCE = 1e-5f;

    private TrainedModel model;
    private UserVectorEncoderOperator operator;
    private TwoInputStreamOperatorTestHarness<FeatureSnapshot, ModelUpdate, UserVector> harness;

    @BeforeAll
    static void oneIntraOpThread() {
        // the tensors here are tiny: PyTorch's default thread pool only contends for the 2 shared cores
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

    private static EncoderOperatorConfig batching(int records, Duration delay) {
        return EncoderOperatorConfig.builder().encoder(SdmEncoder.NAME).maxBatchRecords(records).maxBatchDelay(delay)
                .maxPendingSnapshots(10_000).build();
    }

    private void start(EncoderOperatorConfig config) throws Exception {
        start(config, null);
    }

    private void start(EncoderOperatorConfig config, OperatorSubtaskState restored) throws Exception {
        operator = new UserVectorEncoderOperator(config);
        harness = new TwoInputStreamOperatorTestHarness<>(operator);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private void send(List<FeatureSnapshot> snapshots) throws Exception {
        for (FeatureSnapshot s : snapshots) {
            harness.processElement1(s, s.getEventTime());
        }
    }

    private void apply(List<ModelUpdate> chunks) throws Exception {
        for (ModelUpdate chunk : chunks) {
            harness.processElement2(chunk, Long.MIN_VALUE);
        }
    }

    private List<UserVector> drainOutput() {
        List<UserVector> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void nothingIsEmittedBeforeTheFirstFullThenEveryPendingSnapshotIs() throws Exception {
        start(batching(16, Duration.ofMillis(20)));
        List<FeatureSnapshot> early = model.snapshots(40);
        List<ModelUpdate> full = model.full();
        assertThat(full).as("a FULL spanning several chunks").hasSizeGreaterThan(1);

        send(early);
        harness.setProcessingTime(1_000);
        apply(full.subList(0, full.size() - 1));
        assertThat(harness.extractOutputValues()).as("no vector without a complete model").isEmpty();
        assertThat(operator.pendingSnapshots()).isEqualTo(40);

        apply(full.subList(full.size() - 1, full.size()));

        List<UserVector> vectors = drainOutput();
        assertThat(operator.pendingSnapshots()).isZero();
        assertThat(vectors).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(early));
        assertThat(vectors).allSatisfy(v -> {
            assertThat(v.getModelVersion()).isEqualTo(full.get(0).getVersion());
            assertThat(v.getModelName()).isEqualTo(SdmEncoder.NAME);
        });
        assertStampedLike(vectors, early);
        assertSameVectors(vectors, model.encode(early));
    }

    @Test
    void aBatchIsEncodedWhenFullOrWhenItsFirstSnapshotHasWaitedTheDelay() throws Exception {
        start(batching(8, Duration.ofMillis(50)));
        apply(model.full());
        List<FeatureSnapshot> snapshots = model.snapshots(11);
        harness.setProcessingTime(1_000);

        send(snapshots.subList(0, 7));
        assertThat(harness.extractOutputValues()).isEmpty();
        send(snapshots.subList(7, 8));
        assertThat(drainOutput()).as("the eighth snapshot fills the batch").hasSize(8);
        harness.setProcessingTime(1_020);
        send(snapshots.subList(8, 11));
        harness.setProcessingTime(1_050);
        assertThat(harness.extractOutputValues()).as("the full batch's deadline was cancelled with it").isEmpty();
        harness.setProcessingTime(1_069);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(1_070);
        List<UserVector> late = drainOutput();
        assertThat(late).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(snapshots.subList(8, 11)));
        assertSameVectors(late, model.encode(snapshots.subList(8, 11)));
    }

    @Test
    void deltasAppliedInOrderBumpTheVersionAndMatchTheTrainerAtThatVersion() throws Exception {
        List<FeatureSnapshot> probe = model.snapshots(24);
        List<ModelUpdate> full = model.full();
        List<ModelUpdate> first = model.train(3).delta(full);
        List<EncodedUser> atFirst = model.encode(probe);
        List<ModelUpdate> second = model.train(3).delta(first);
        List<EncodedUser> atSecond = model.encode(probe);
        start(batching(32, Duration.ofMillis(20)));

        apply(full);
        apply(first);
        send(probe);
        harness.setProcessingTime(100);
        List<UserVector> afterFirst = drainOutput();
        assertThat(afterFirst).extracting(UserVector::getModelVersion).containsOnly(first.get(0).getVersion());
        assertSameVectors(afterFirst, atFirst);

        apply(second);
        send(probe);
        harness.setProcessingTime(200);
        List<UserVector> afterSecond = drainOutput();
        assertThat(second.get(0).getVersion()).isGreaterThan(first.get(0).getVersion());
        assertThat(afterSecond).extracting(UserVector::getModelVersion).containsOnly(second.get(0).getVersion());
        assertSameVectors(afterSecond, atSecond);
        assertThat(operator.heldDeltas()).isZero();
    }

    @Test
    void aDeltaOnAVersionNeverSeenIsHeldWhileTheStreamGoesOnUntilTheNextFull() throws Exception {
        List<FeatureSnapshot> probe = model.snapshots(10);
        List<ModelUpdate> first = model.full();
        List<ModelUpdate> missed = model.train(2).delta(first);
        List<ModelUpdate> foreign = model.train(2).delta(missed);
        List<ModelUpdate> second = model.train(2).full();
        start(batching(64, Duration.ofMillis(20)));

        apply(first);
        apply(foreign);
        assertThat(operator.heldDeltas()).isEqualTo(1);
        send(probe);
        harness.setProcessingTime(100);
        assertThat(drainOutput()).as("encoding goes on with the version held").hasSize(probe.size())
                .extracting(UserVector::getModelVersion).containsOnly(first.get(0).getVersion());

        apply(second);
        assertThat(operator.heldDeltas()).as("the next FULL makes the held delta obsolete").isZero();
        assertThat(operator.modelVersion()).isEqualTo(second.get(0).getVersion());
        send(probe);
        harness.setProcessingTime(200);
        List<UserVector> vectors = drainOutput();
        assertThat(vectors).extracting(UserVector::getModelVersion).containsOnly(second.get(0).getVersion());
        assertSameVectors(vectors, model.encode(probe));
    }

    @Test
    void underLoadNewFullsAndDeltasSwapInWithoutDroppingOrReorderingARecord() throws Exception {
        int count = 3_000;
        List<FeatureSnapshot> snapshots = model.snapshots(count);
        // the trainer's publications, in order: FULL a, deltas b and c, a delta on a version never published
        // to this encoder, FULL e, deltas f and g
        List<ModelUpdate> a = model.full();
        List<ModelUpdate> b = model.train(2).delta(a);
        List<ModelUpdate> c = model.train(2).delta(b);
        List<ModelUpdate> neverSent = model.train(2).delta(c);
        List<ModelUpdate> d = model.train(2).delta(neverSent);
        List<ModelUpdate> e = model.train(2).full();
        List<ModelUpdate> f = model.train(2).delta(e);
        List<ModelUpdate> g = model.train(2).delta(f);
        // each update starts arriving at a position of the snapshot stream, one chunk per snapshot from there
        TreeMap<Integer, List<ModelUpdate>> schedule = new TreeMap<>(Map.of(
                200, a, 700, b, 1_200, c, 1_500, d, 1_800, e, 2_300, f, 2_600, g));
        start(batching(64, Duration.ofMillis(20)));

        List<ModelUpdate> arriving = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (schedule.containsKey(i)) {
                arriving.addAll(schedule.get(i));
            }
            if (!arriving.isEmpty()) {
                apply(List.of(arriving.remove(0)));
            }
            FeatureSnapshot s = snapshots.get(i);
            harness.processElement1(s, s.getEventTime());
            if (i % 50 == 0) {
                harness.setProcessingTime(harness.getProcessingTime() + 15);
            }
        }
        harness.prepareSnapshotPreBarrier(1);

        List<UserVector> vectors = drainOutput();
        assertThat(vectors).as("count in == count out, in order").extracting(UserVector::getEventId)
                .containsExactlyElementsOf(eventIds(snapshots));
        assertStampedLike(vectors, snapshots);
        List<Long> versions = vectors.stream().map(UserVector::getModelVersion).toList();
        assertThat(versions).as("versions never go backwards").isSorted();
        assertThat(versions.get(0)).isEqualTo(a.get(0).getVersion());
        assertThat(versions.get(count - 1)).isEqualTo(g.get(0).getVersion());
        assertThat(versions).as("the delta on an unseen base is never applied")
                .doesNotContain(d.get(0).getVersion(), neverSent.get(0).getVersion())
                .contains(b.get(0).getVersion(), c.get(0).getVersion(), e.get(0).getVersion(), f.get(0).getVersion());
        assertThat(operator.heldDeltas()).isZero();
        assertSameVectors(vectors.subList(count - 100, count), model.encode(snapshots.subList(count - 100, count)));
    }

    @Test
    void pendingSnapshotsSurviveACheckpointAndAreEncodedWhenTheModelArrivesAfterRestore() throws Exception {
        start(batching(16, Duration.ofMillis(20)));
        List<FeatureSnapshot> waiting = model.snapshots(30);
        send(waiting);
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        start(batching(16, Duration.ofMillis(20)), checkpoint);
        assertThat(operator.pendingSnapshots()).isEqualTo(30);
        assertThat(harness.extractOutputValues()).isEmpty();
        apply(model.full());

        List<UserVector> vectors = drainOutput();
        assertThat(vectors).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(waiting));
        assertSameVectors(vectors, model.encode(waiting));
    }

    @Test
    void theBarrierFlushesTheBatchSoNoSnapshotIsOnlyInMemoryAtACheckpoint() throws Exception {
        start(batching(64, Duration.ofSeconds(10)));
        apply(model.full());
        send(model.snapshots(5));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.prepareSnapshotPreBarrier(1);
        assertThat(drainOutput()).hasSize(5);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        start(batching(64, Duration.ofSeconds(10)), checkpoint);
        assertThat(operator.pendingSnapshots()).as("nothing to replay: every snapshot was encoded").isZero();
    }

    @Test
    void aSnapshotWatermarkFlushesAndPassesWhileModelUpdatesNeverHoldItBack() throws Exception {
        start(batching(64, Duration.ofSeconds(10)));
        apply(model.full());
        harness.processWatermark2(new Watermark(5));
        send(model.snapshots(3));

        harness.processWatermark1(new Watermark(42));

        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output).hasSize(4);
        assertThat(output.get(3)).as("the watermark follows the vectors it must not overtake").isEqualTo(new Watermark(42));
    }

    @Test
    void updatesOfAnotherModelAreIgnoredAndARefusedUpdateDoesNotStopTheStream() throws Exception {
        try (TrainedModel sine = new TrainedModel(SineEncoder.NAME, 2_000).train(2)) {
            List<ModelUpdate> sineFull = sine.full();
            List<ModelUpdate> disguised = sineFull.stream()
                    .map(c -> ModelUpdate.newBuilder(c).setModelName(SdmEncoder.NAME).build()).toList();
            start(batching(16, Duration.ofMillis(20)));
            List<FeatureSnapshot> snapshots = model.snapshots(20);
            send(snapshots.subList(0, 10));

            apply(sineFull);
            apply(disguised);
            assertThat(operator.modelVersion()).as("neither is this encoder's model").isZero();
            assertThat(harness.extractOutputValues()).isEmpty();

            apply(model.full());
            send(snapshots.subList(10, 20));
            harness.setProcessingTime(100);
            assertThat(drainOutput()).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(snapshots));
        }
    }

    @Test
    void aSineEncoderPublishesOneVectorPerInterest() throws Exception {
        try (TrainedModel sine = new TrainedModel(SineEncoder.NAME, 2_000).train(2)) {
            operator = new UserVectorEncoderOperator(EncoderOperatorConfig.builder().encoder(SineEncoder.NAME).build());
            harness = new TwoInputStreamOperatorTestHarness<>(operator);
            harness.open();
            List<FeatureSnapshot> snapshots = sine.snapshots(12);
            apply(sine.full());
            send(snapshots);
            harness.prepareSnapshotPreBarrier(1);

            List<UserVector> vectors = drainOutput();
            List<EncodedUser> expected = sine.encode(snapshots);
            assertThat(expected.get(0).interests().length).isGreaterThan(1);
            assertThat(vectors).allSatisfy(v -> {
                assertThat(v.getModelName()).isEqualTo(SineEncoder.NAME);
                assertThat(v.getInterests()).hasSize(expected.get(0).interests().length);
            });
            assertSameVectors(vectors, expected);
        }
    }

    private static List<String> eventIds(List<FeatureSnapshot> snapshots) {
        return snapshots.stream().map(FeatureSnapshot::getEventId).collect(Collectors.toList());
    }

    private static void assertStampedLike(List<UserVector> vectors, List<FeatureSnapshot> snapshots) {
        assertThat(vectors).hasSameSizeAs(snapshots);
        for (int i = 0; i < vectors.size(); i++) {
            assertThat(vectors.get(i).getUserId()).isEqualTo(snapshots.get(i).getUserId());
            assertThat(vectors.get(i).getEventTime()).isEqualTo(snapshots.get(i).getEventTime());
            assertThat(vectors.get(i).getEventId()).isEqualTo(snapshots.get(i).getEventId());
        }
    }

    private static void assertSameVectors(List<UserVector> actual, List<EncodedUser> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(floats(actual.get(i).getVector())).containsExactly(expected.get(i).vector(), within(TOLERANCE));
            List<List<Float>> interests = actual.get(i).getInterests();
            assertThat(interests).hasSize(expected.get(i).interests().length);
            for (int k = 0; k < interests.size(); k++) {
                assertThat(floats(interests.get(k))).containsExactly(expected.get(i).interests()[k], within(TOLERANCE));
            }
        }
    }

    private static float[] floats(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
