package io.streamrec.model.sync;

import static io.streamrec.model.train.TrainingFixtures.behavior;
import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.example;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static io.streamrec.model.train.TrainingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.Feature;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UpdateKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelSyncTest {

    private static final int MAX_BYTES = 16 * 1024;

    private final List<TrainingExample> stream = clustered(40 * 32, 400, 10, 11);
    private final List<FeatureSnapshot> probe =
            stream.subList(0, 64).stream().map(TrainingExample::getContext).toList();
    private OnlineTrainer trainer;
    private ModelUpdates updates;
    private Consumer replica;
    private int nextBatch;

    @BeforeEach
    void setUp() {
        // 300 item rows for 400 items: training evicts, so deltas carry tombstones
        trainer = new OnlineTrainer(
                smallConfig()
                        .set(TrainerOptions.VOCABULARY_CAPACITIES, List.of(300, 100, 100, 100, 100))
                        .build(),
                MeanPoolEncoder.factory(16));
        updates = new ModelUpdates(trainer, MAX_BYTES, Clock.systemUTC());
        replica = new Consumer();
        train(10);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        replica.close();
        trainer.close();
    }

    private void train(int steps) {
        for (int s = 0; s < steps; s++, nextBatch++) {
            trainer.step(stream.subList(nextBatch * 32, (nextBatch + 1) * 32));
        }
    }

    private void applyAll(List<ModelUpdate> chunks) {
        chunks.forEach(replica::apply);
    }

    /** A consumer as the encoders run one: FULLs built on the calling thread, swapped in after each chunk. */
    static final class Consumer implements AutoCloseable {
        final ReplicaSync<EncoderReplica> sync = new ReplicaSync<>(
                EncoderReplica::fromFull, EncoderReplica::close, UpdateValidator.standard(), Runnable::run);
        final List<String> refused = new ArrayList<>();

        void apply(ModelUpdate chunk) {
            refused.addAll(sync.accept(chunk));
            ReplicaSync.Swap swap = sync.swapIfAssembled();
            if (swap != null) {
                refused.addAll(swap.refused());
            }
        }

        boolean ready() {
            return sync.ready();
        }

        long version() {
            return sync.version();
        }

        int heldDeltas() {
            return sync.heldDeltas();
        }

        List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
            return sync.current().encode(snapshots);
        }

        @Override
        public void close() throws InterruptedException {
            sync.close();
        }
    }

    @Test
    void aSnapshotGivesTheReplicaTheTrainersUserVectors() throws IOException {
        List<ModelUpdate> full = updates.full();
        assertThat(full).hasSizeGreaterThan(1).allSatisfy(c -> {
            assertThat(c.getKind()).isEqualTo(UpdateKind.FULL);
            assertThat(c.getChunkCount()).isEqualTo(full.size());
            assertThat(avroSize(c)).isLessThanOrEqualTo(MAX_BYTES);
        });
        assertThat(full.stream().mapToInt(c -> c.getItemRows().size()).sum())
                .isEqualTo(trainer.model()
                        .embeddings()
                        .table(Feature.ITEM)
                        .vocabulary()
                        .size());
        var estimator = trainer.frequencyEstimator();
        assertThat(full.stream().flatMap(c -> c.getItemRows().stream()))
                .as("each row carries the estimator's log p̂, the popularity prior's term")
                .allSatisfy(row -> assertThat(row.getLogPopularity())
                        .isEqualTo((float) estimator.logProbability(row.getItemId())));

        List<ModelUpdate> shuffled = new ArrayList<>(full);
        Collections.shuffle(shuffled, new Random(3));
        applyAll(shuffled.subList(0, shuffled.size() - 1));
        assertThat(replica.ready()).as("incomplete snapshot is not applied").isFalse();
        replica.apply(shuffled.get(shuffled.size() - 1));

        assertThat(replica.version()).isEqualTo(full.get(0).getVersion());
        assertSameVectors(replica.encode(probe), trainer.encode(probe));
    }

    @Test
    void aDeltaAfterFurtherTrainingBringsTheReplicaUpToDate() {
        List<ModelUpdate> full = updates.full();
        applyAll(full);
        train(20);
        assertThat(replica.encode(probe).get(0).vector())
                .isNotEqualTo(trainer.encode(probe).get(0).vector());

        List<ModelUpdate> delta = updates.delta(full.get(0).getVersion());
        assertThat(delta).allSatisfy(c -> {
            assertThat(c.getKind()).isEqualTo(UpdateKind.DELTA);
            assertThat(c.getBaseVersion()).isEqualTo(full.get(0).getVersion());
            assertThat(c.getVersion()).isGreaterThan(full.get(0).getVersion());
        });
        assertThat(delta.stream().mapToInt(c -> c.getTombstones().size()).sum())
                .as("evictions travel as tombstones")
                .isPositive();
        applyAll(delta);

        assertThat(replica.version()).isEqualTo(delta.get(0).getVersion());
        assertSameVectors(replica.encode(probe), trainer.encode(probe));
    }

    @Test
    void aDeltaOnAnotherBaseIsHeldUntilTheNextFullUpdate() {
        applyAll(updates.full());
        long applied = replica.version();
        train(2);
        List<ModelUpdate> missed = updates.delta(applied);
        train(2);
        List<ModelUpdate> later = updates.delta(missed.get(0).getVersion());

        applyAll(later);
        assertThat(replica.version()).isEqualTo(applied);
        assertThat(replica.heldDeltas()).isEqualTo(1);

        train(2);
        List<ModelUpdate> full = updates.full();
        applyAll(full);
        assertThat(replica.version()).isEqualTo(full.get(0).getVersion());
        assertThat(replica.heldDeltas()).isZero();
        assertSameVectors(replica.encode(probe), trainer.encode(probe));

        applyAll(missed);
        assertThat(replica.version())
                .as("stale updates are ignored")
                .isEqualTo(full.get(0).getVersion());
    }

    @Test
    void deltasArrivingOutOfOrderAreAppliedInVersionOrder() {
        applyAll(updates.full());
        train(2);
        List<ModelUpdate> first = updates.delta(replica.version());
        train(2);
        List<ModelUpdate> second = updates.delta(first.get(0).getVersion());

        applyAll(second);
        applyAll(first);

        assertThat(replica.version()).isEqualTo(second.get(0).getVersion());
        assertThat(replica.heldDeltas()).isZero();
        assertSameVectors(replica.encode(probe), trainer.encode(probe));
    }

    @Test
    void anItemWhoseCategoryWasEvictedTravelsInTheNextDelta() {
        try (OnlineTrainer small = new OnlineTrainer(
                smallConfig()
                        .set(TrainerOptions.VOCABULARY_CAPACITIES, List.of(100, 100, 1, 100, 100))
                        .build(),
                MeanPoolEncoder.factory(8))) {
            ModelUpdates smallUpdates = new ModelUpdates(small, MAX_BYTES, Clock.systemUTC());
            small.step(List.of(example(snapshot("u1", List.of(), List.of(), Map.of()), behavior("a", "c1", 1))));
            long full = smallUpdates.full().get(0).getVersion();
            small.step(List.of(example(snapshot("u2", List.of(), List.of(), Map.of()), behavior("b", "c2", 2))));

            List<ModelUpdate> delta = smallUpdates.delta(full);

            assertThat(delta.stream()
                            .flatMap(c -> c.getTombstones().stream())
                            .map(t -> t.getFeature() + ":" + t.getId()))
                    .contains("category:c1");
            assertThat(delta.stream().flatMap(c -> c.getItemRows().stream()).map(ItemRow::getItemId))
                    .containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void theReplicaIsBuiltFromTheFullUpdateAloneWithTheTrainersEncoderSettings() {
        List<ModelUpdate> full = updates.full();
        assertThat(full.get(0).getSpec().getEncoderName()).isEqualTo(MeanPoolEncoder.NAME);
        assertThat(full.get(0).getSpec().getEncoderSettings()).containsEntry(MeanPoolEncoder.HIDDEN.key(), "16");
        assertThat(full.get(0).getSpec().getModelSettings())
                .containsEntry("output-dim", Integer.toString(trainer.config().get(TrainerOptions.OUTPUT_DIM)));
        assertThat(full.subList(1, full.size()))
                .allSatisfy(c -> assertThat(c.getSpec()).isNull());

        applyAll(full);

        assertThat(replica.sync.current().encoderName()).isEqualTo(MeanPoolEncoder.NAME);
        assertSameVectors(replica.encode(probe), trainer.encode(probe));
    }

    @Test
    void aDeltaWithANonFiniteValueIsRefusedWholeAndLaterDeltasWaitForTheNextFull() {
        List<ModelUpdate> full = updates.full();
        applyAll(full);
        List<EncodedUser> before = replica.encode(probe);
        train(2);
        List<ModelUpdate> poisoned = new ArrayList<>(updates.delta(full.get(0).getVersion()));
        ModelUpdate last = poisoned.get(poisoned.size() - 1);
        ItemRow row = last.getItemRows().get(0);
        ByteBuffer bad = ByteBuffer.allocate(row.getVector().remaining()).order(ByteOrder.LITTLE_ENDIAN);
        bad.putFloat(0, Float.NaN);
        List<ItemRow> rows = new ArrayList<>(last.getItemRows());
        rows.set(0, ItemRow.newBuilder(row).setVector(bad).build());
        poisoned.set(
                poisoned.size() - 1,
                ModelUpdate.newBuilder(last).setItemRows(rows).build());

        applyAll(poisoned);

        assertThat(replica.refused).singleElement().asString().contains("non-finite");
        assertThat(replica.version()).isEqualTo(full.get(0).getVersion());
        assertSameVectors(replica.encode(probe), before);

        train(2);
        applyAll(updates.delta(poisoned.get(0).getVersion()));
        assertThat(replica.version())
                .as("based on the refused version")
                .isEqualTo(full.get(0).getVersion());
        assertThat(replica.heldDeltas()).isEqualTo(1);
        List<ModelUpdate> next = updates.full();
        applyAll(next);
        assertThat(replica.version()).isEqualTo(next.get(0).getVersion());
        assertSameVectors(replica.encode(probe), trainer.encode(probe));
    }

    @Test
    void aFullBuiltInTheBackgroundIsSwappedInWithTheDeltasThatArrivedMeanwhile() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService slow = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (ReplicaSync<EncoderReplica> sync = new ReplicaSync<>(
                full -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return EncoderReplica.fromFull(full);
                },
                EncoderReplica::close,
                UpdateValidator.standard(),
                slow)) {
            List<ModelUpdate> full = updates.full();
            full.forEach(sync::accept);
            train(2);
            List<ModelUpdate> delta = updates.delta(full.get(0).getVersion());
            delta.forEach(sync::accept);
            assertThat(sync.assembling()).isTrue();
            assertThat(sync.swapIfAssembled()).as("not built yet").isNull();
            assertThat(sync.ready()).isFalse();

            release.countDown();
            sync.awaitAssembly();
            ReplicaSync.Swap swap = sync.swapIfAssembled();

            assertThat(swap.first()).isTrue();
            assertThat(swap.version()).isEqualTo(full.get(0).getVersion());
            assertThat(swap.refused()).isEmpty();
            assertThat(sync.version()).isEqualTo(delta.get(0).getVersion());
            assertSameVectors(sync.current().encode(probe), trainer.encode(probe));
        } finally {
            slow.shutdown();
        }
    }

    private static void assertSameVectors(List<EncodedUser> actual, List<EncodedUser> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).vector()).containsExactly(expected.get(i).vector());
        }
    }

    private static int avroSize(ModelUpdate update) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ModelUpdate.class).write(update, encoder);
        encoder.flush();
        return bytes.size();
    }
}
