package io.streamrec.flink.encode;

import static io.streamrec.flink.encode.VectorAssertions.assertSameVectors;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineEncoder;
import io.streamrec.model.sync.UpdateRefusal;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
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
        return EncoderOperatorConfig.builder()
                .model(SdmEncoder.NAME)
                .set(EncoderOperatorConfig.MAX_BATCH_RECORDS, records)
                .set(EncoderOperatorConfig.MAX_BATCH_DELAY, delay)
                // a budget that never binds: these tests are about the batch's bounds, not its deadline
                .set(EncoderOperatorConfig.LATENCY_BUDGET, Duration.ofSeconds(10))
                .set(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS, 10_000)
                .build();
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

    /** Applies an update and waits until the operator has reached its version (a FULL is swapped in asynchronously). */
    private void applyAndAwait(List<ModelUpdate> update) throws Exception {
        apply(update);
        awaitVersion(versionOf(update));
    }

    private void startWithModel(EncoderOperatorConfig config) throws Exception {
        start(config);
        applyAndAwait(model.full());
    }

    /** Lets processing time pass (the operator polls its background assembly) until the model reaches {@code version}. */
    private void awaitVersion(long version) throws Exception {
        await(() -> operator.modelVersion() >= version, "model version " + version);
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within 60 s", what).isLessThan(deadline);
            Thread.sleep(2);
            advance(UserVectorEncoderOperator.ASSEMBLY_POLL_MS);
        }
    }

    private void advance(long millis) throws Exception {
        harness.setProcessingTime(harness.getProcessingTime() + millis);
    }

    private static long versionOf(List<ModelUpdate> update) {
        return update.get(0).getVersion();
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
        assertThat(harness.extractOutputValues())
                .as("no vector without a complete model")
                .isEmpty();
        assertThat(operator.pendingSnapshots()).isEqualTo(40);

        applyAndAwait(full.subList(full.size() - 1, full.size()));

        List<UserVector> vectors = drainOutput();
        assertThat(operator.pendingSnapshots()).isZero();
        assertThat(vectors).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(early));
        assertThat(vectors).allSatisfy(v -> {
            assertThat(v.getModelVersion()).isEqualTo(versionOf(full));
            assertThat(v.getModelName()).isEqualTo(SdmEncoder.NAME);
        });
        assertStampedLike(vectors, early);
        assertSameVectors(vectors, model.encode(early));
    }

    @Test
    void aBatchIsEncodedWhenFullOrWhenItsFirstSnapshotHasWaitedTheDelay() throws Exception {
        startWithModel(batching(8, Duration.ofMillis(50)));
        List<FeatureSnapshot> snapshots = model.snapshots(11);
        long t0 = harness.getProcessingTime();

        // all within one millisecond: no arrival rate is measured yet, so a batch waits the longest delay allowed
        send(snapshots.subList(0, 7));
        assertThat(harness.extractOutputValues()).isEmpty();
        send(snapshots.subList(7, 8));
        assertThat(drainOutput()).as("the eighth snapshot fills the batch").hasSize(8);
        send(snapshots.subList(8, 11));
        harness.setProcessingTime(t0 + 49);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(t0 + 50);
        List<UserVector> late = drainOutput();
        assertThat(late)
                .extracting(UserVector::getEventId)
                .containsExactlyElementsOf(eventIds(snapshots.subList(8, 11)));
        assertSameVectors(late, model.encode(snapshots.subList(8, 11)));
    }

    @Test
    void atALowArrivalRateEachSnapshotIsEncodedAsItArrives() throws Exception {
        startWithModel(EncoderOperatorConfig.builder()
                .model(SdmEncoder.NAME)
                .set(EncoderOperatorConfig.MAX_BATCH_DELAY, Duration.ofMillis(50))
                .set(EncoderOperatorConfig.LATENCY_BUDGET, Duration.ofMillis(60))
                .build());
        List<FeatureSnapshot> snapshots = model.snapshots(40);
        long t0 = harness.getProcessingTime();
        // one snapshot every 50 ms: 20 per second, far too few to be worth waiting for
        for (int i = 0; i < 30; i++) {
            harness.setProcessingTime(t0 + 50L * i);
            send(snapshots.subList(i, i + 1));
        }
        drainOutput();
        for (int i = 30; i < 40; i++) {
            harness.setProcessingTime(t0 + 50L * i);
            send(snapshots.subList(i, i + 1));
            assertThat(drainOutput())
                    .as("snapshot %d encoded without waiting", i)
                    .extracting(UserVector::getEventId)
                    .containsExactly(snapshots.get(i).getEventId());
        }
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
        applyAndAwait(first);
        send(probe);
        advance(100);
        List<UserVector> afterFirst = drainOutput();
        assertThat(afterFirst).extracting(UserVector::getModelVersion).containsOnly(versionOf(first));
        assertSameVectors(afterFirst, atFirst);

        apply(second);
        send(probe);
        advance(100);
        List<UserVector> afterSecond = drainOutput();
        assertThat(versionOf(second)).isGreaterThan(versionOf(first));
        assertThat(afterSecond).extracting(UserVector::getModelVersion).containsOnly(versionOf(second));
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

        applyAndAwait(first);
        apply(foreign);
        assertThat(operator.heldDeltas()).isEqualTo(1);
        send(probe);
        advance(100);
        assertThat(drainOutput())
                .as("encoding goes on with the version held")
                .hasSize(probe.size())
                .extracting(UserVector::getModelVersion)
                .containsOnly(versionOf(first));

        applyAndAwait(second);
        assertThat(operator.heldDeltas())
                .as("the next FULL makes the held delta obsolete")
                .isZero();
        send(probe);
        advance(100);
        List<UserVector> vectors = drainOutput();
        assertThat(vectors).extracting(UserVector::getModelVersion).containsOnly(versionOf(second));
        assertSameVectors(vectors, model.encode(probe));
    }

    @Test
    void underLoadNewFullsAndDeltasSwapInWithoutDroppingOrReorderingARecord() throws Exception {
        int count = 3_000;
        List<FeatureSnapshot> snapshots = model.snapshots(count);
        List<FeatureSnapshot> sample = everyTenth(snapshots);
        // the trainer's publications, in order: FULL a, deltas b and c, a delta on a version never published
        // to this encoder, FULL e, deltas f and g; with the trainer's own vectors of a sample at each version
        Map<Long, List<EncodedUser>> trainerAt = new TreeMap<>();
        List<ModelUpdate> a = published(model.full(), sample, trainerAt);
        List<ModelUpdate> b = published(model.train(2).delta(a), sample, trainerAt);
        List<ModelUpdate> c = published(model.train(2).delta(b), sample, trainerAt);
        List<ModelUpdate> neverSent = model.train(2).delta(c);
        List<ModelUpdate> d = model.train(2).delta(neverSent);
        List<ModelUpdate> e = published(model.train(2).full(), sample, trainerAt);
        List<ModelUpdate> f = published(model.train(2).delta(e), sample, trainerAt);
        List<ModelUpdate> g = published(model.train(2).delta(f), sample, trainerAt);
        // after a cold start that ends with FULL a, each update starts arriving at a position of the snapshot stream,
        // one chunk per snapshot from there, while the operator encodes: FULL e is assembled under load
        Map<Integer, List<ModelUpdate>> schedule = Map.of(700, b, 1_200, c, 1_500, d, 1_800, e, 2_300, f, 2_600, g);
        start(batching(64, Duration.ofMillis(20)));

        List<ModelUpdate> arriving = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i == 200) {
                applyAndAwait(a);
            }
            arriving.addAll(schedule.getOrDefault(i, List.of()));
            if (!arriving.isEmpty()) {
                apply(List.of(arriving.remove(0)));
            }
            FeatureSnapshot s = snapshots.get(i);
            harness.processElement1(s, s.getEventTime());
            if (i % 50 == 0) {
                advance(15);
            }
        }
        awaitVersion(versionOf(g));
        harness.prepareSnapshotPreBarrier(1);

        List<UserVector> vectors = drainOutput();
        assertThat(vectors)
                .as("count in == count out, in order")
                .extracting(UserVector::getEventId)
                .containsExactlyElementsOf(eventIds(snapshots));
        assertStampedLike(vectors, snapshots);
        List<Long> versions = vectors.stream().map(UserVector::getModelVersion).toList();
        assertThat(versions).as("versions never go backwards").isSorted();
        assertThat(versions)
                .as("only published versions with their base, never the delta on an unseen base")
                .isSubsetOf(trainerAt.keySet())
                .contains(versionOf(a), versionOf(b), versionOf(c), versionOf(g));
        List<UserVector> sampled = everyTenth(vectors);
        for (int i = 0; i < sampled.size(); i++) {
            UserVector v = sampled.get(i);
            assertSameVectors(
                    List.of(v), List.of(trainerAt.get(v.getModelVersion()).get(i)));
        }

        send(sample);
        harness.prepareSnapshotPreBarrier(2);
        List<UserVector> atLast = drainOutput();
        assertThat(atLast).extracting(UserVector::getModelVersion).containsOnly(versionOf(g));
        assertSameVectors(atLast, trainerAt.get(versionOf(g)));
        assertThat(operator.heldDeltas()).isZero();
    }

    private List<ModelUpdate> published(
            List<ModelUpdate> update, List<FeatureSnapshot> sample, Map<Long, List<EncodedUser>> trainerAt) {
        trainerAt.put(versionOf(update), model.encode(sample));
        return update;
    }

    private static <T> List<T> everyTenth(List<T> all) {
        List<T> sample = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 10) {
            sample.add(all.get(i));
        }
        return sample;
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
        List<ModelUpdate> full = model.full();
        applyAndAwait(full);

        List<UserVector> vectors = drainOutput();
        assertThat(vectors).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(waiting));
        assertSameVectors(vectors, model.encode(waiting));
    }

    @Test
    void theBarrierFlushesTheBatchSoNoSnapshotIsOnlyInMemoryAtACheckpoint() throws Exception {
        startWithModel(batching(64, Duration.ofSeconds(10)));
        send(model.snapshots(5));
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.prepareSnapshotPreBarrier(1);
        assertThat(drainOutput()).hasSize(5);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        start(batching(64, Duration.ofSeconds(10)), checkpoint);
        assertThat(operator.pendingSnapshots())
                .as("nothing to replay: every snapshot was encoded")
                .isZero();
    }

    @Test
    void aSnapshotWatermarkFlushesAndPassesWhileModelUpdatesNeverHoldItBack() throws Exception {
        startWithModel(batching(64, Duration.ofSeconds(10)));
        harness.processWatermark2(new Watermark(5));
        send(model.snapshots(3));

        harness.processWatermark1(new Watermark(42));

        List<Object> output = new ArrayList<>(harness.getOutput());
        assertThat(output).hasSize(4);
        assertThat(output.get(3))
                .as("the watermark follows the vectors it must not overtake")
                .isEqualTo(new Watermark(42));
    }

    @Test
    void updatesOfAnotherModelAreIgnoredAndARefusedUpdateDoesNotStopTheStream() throws Exception {
        try (TrainedModel sine = new TrainedModel(SineEncoder.NAME, 2_000).train(2)) {
            List<ModelUpdate> sineFull = sine.full();
            List<ModelUpdate> disguised = sineFull.stream()
                    .map(c -> ModelUpdate.newBuilder(c)
                            .setModelName(SdmEncoder.NAME)
                            .build())
                    .toList();
            start(batching(16, Duration.ofMillis(20)));
            List<FeatureSnapshot> snapshots = model.snapshots(20);
            send(snapshots.subList(0, 10));

            apply(sineFull);
            apply(disguised);
            await(() -> operator.updatesRejected() == 1, "the disguised FULL refused");
            assertThat(operator.modelVersion())
                    .as("neither is this encoder's model")
                    .isZero();
            assertThat(harness.extractOutputValues()).isEmpty();

            List<ModelUpdate> full = model.full();
            applyAndAwait(full);
            send(snapshots.subList(10, 20));
            advance(100);
            assertThat(drainOutput()).extracting(UserVector::getEventId).containsExactlyElementsOf(eventIds(snapshots));
        }
    }

    @Test
    void poisonUpdatesAreRefusedAndCountedByReasonWhileVectorsKeepTheLastGoodVersionUntilTheNextGoodFull()
            throws Exception {
        List<FeatureSnapshot> probe = model.snapshots(12);
        List<ModelUpdate> full = model.full();
        List<ModelUpdate> good = model.train(2).delta(full);
        List<EncodedUser> atGood = model.encode(probe);
        List<ModelUpdate> nonFinite = withNaN(model.train(1).delta(good));
        List<ModelUpdate> truncated = new ArrayList<>(model.full());
        assertThat(truncated).as("a FULL of several chunks").hasSizeGreaterThan(1);
        truncated.remove(1);
        List<ModelUpdate> foreign = model.full().stream()
                .map(c -> c.getSpec() == null
                        ? c
                        : ModelUpdate.newBuilder(c)
                                .setSpec(ModelSpec.newBuilder(c.getSpec())
                                        .setEncoderName(SineEncoder.NAME)
                                        .build())
                                .build())
                .toList();
        List<ModelUpdate> otherModel = full.stream()
                .map(c ->
                        ModelUpdate.newBuilder(c).setModelName(SineEncoder.NAME).build())
                .toList();
        List<ModelUpdate> next = model.train(2).full();
        start(batching(64, Duration.ofMillis(20)));
        apply(full);
        applyAndAwait(good);

        for (List<ModelUpdate> poison : List.of(nonFinite, truncated, full, foreign, otherModel)) {
            apply(poison);
            advance(100);
            send(probe);
            advance(100);
            List<UserVector> vectors = drainOutput();
            assertThat(vectors)
                    .as("vectors keep coming, from the last good version")
                    .hasSize(probe.size())
                    .extracting(UserVector::getModelVersion)
                    .containsOnly(versionOf(good));
            assertSameVectors(vectors, atGood);
        }

        assertThat(operator.updatesRejected(UpdateRefusal.Reason.INVALID_VALUES))
                .isEqualTo(1);
        assertThat(operator.updatesRejected(UpdateRefusal.Reason.STALE_VERSION))
                .as("the first FULL again, older than the version held")
                .isEqualTo(1);
        assertThat(operator.updatesRejected(UpdateRefusal.Reason.FOREIGN_MODEL)).isEqualTo(1);
        assertThat(operator.updatesRejected(UpdateRefusal.Reason.TRUNCATED))
                .as("not yet known to be lost: a refused version makes nothing obsolete")
                .isZero();
        assertThat(operator.updatesRejected()).isEqualTo(3);
        assertThat(operator.updatesOfOtherModels()).isEqualTo(otherModel.size());

        applyAndAwait(next);
        send(probe);
        advance(100);
        List<UserVector> vectors = drainOutput();
        assertThat(vectors).extracting(UserVector::getModelVersion).containsOnly(versionOf(next));
        assertSameVectors(vectors, model.encode(probe));
        assertThat(operator.updatesRejected(UpdateRefusal.Reason.TRUNCATED))
                .as("lost for good once the next FULL is taken")
                .isEqualTo(1);
        assertThat(operator.updatesRejected()).isEqualTo(4);
    }

    /** {@code update} with one value of its first dense parameter replaced by NaN. */
    private static List<ModelUpdate> withNaN(List<ModelUpdate> update) {
        List<ModelUpdate> chunks = new ArrayList<>(update);
        for (int i = 0; i < chunks.size(); i++) {
            ModelUpdate chunk = chunks.get(i);
            if (!chunk.getDense().isEmpty()) {
                List<DenseParameter> dense = new ArrayList<>(chunk.getDense());
                DenseParameter p = dense.get(0);
                ByteBuffer values =
                        ByteBuffer.allocate(p.getValues().remaining()).order(ByteOrder.LITTLE_ENDIAN);
                values.put(p.getValues().duplicate()).flip();
                values.putFloat(0, Float.NaN);
                dense.set(0, DenseParameter.newBuilder(p).setValues(values).build());
                chunks.set(i, ModelUpdate.newBuilder(chunk).setDense(dense).build());
                return chunks;
            }
        }
        throw new AssertionError("no dense parameter in " + update.get(0));
    }

    @Test
    void aSineEncoderPublishesOneVectorPerInterest() throws Exception {
        try (TrainedModel sine = new TrainedModel(SineEncoder.NAME, 2_000).train(2)) {
            operator = new UserVectorEncoderOperator(
                    EncoderOperatorConfig.builder().model(SineEncoder.NAME).build());
            harness = new TwoInputStreamOperatorTestHarness<>(operator);
            harness.open();
            List<FeatureSnapshot> snapshots = sine.snapshots(12);
            List<ModelUpdate> full = sine.full();
            applyAndAwait(full);
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

    @Test
    void recentItemsAreBoundedNewestFirstWithoutRepeats() {
        FeatureSnapshot snapshot = model.snapshots(400).get(399);
        List<String> all = UserVectorEncoderOperator.recentItems(snapshot, 1_000);
        List<String> three = UserVectorEncoderOperator.recentItems(snapshot, 3);

        assertThat(all).doesNotHaveDuplicates();
        assertThat(three).hasSize(Math.min(3, all.size())).isEqualTo(all.subList(0, three.size()));
        assertThat(UserVectorEncoderOperator.recentItems(snapshot, 0)).isEmpty();
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
            List<Behavior> session = snapshots.get(i).getSession();
            assertThat(vectors.get(i).getRecentItems())
                    .as("recent items: the session's newest first, each once, then the long-term ones")
                    .startsWith(session.get(session.size() - 1).getItemId())
                    .doesNotHaveDuplicates()
                    .containsAll(session.stream().map(Behavior::getItemId).toList())
                    .containsAll(snapshots.get(i).getLongTerm().getItem());
        }
    }
}
