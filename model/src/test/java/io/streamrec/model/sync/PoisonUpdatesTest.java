package io.streamrec.model.sync;

import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Bad records on {@code model-updates}, each kind through the path every consumer takes (decode, {@link ReplicaSync}
 * with the standard validator, a real {@link EncoderReplica}): the consumer keeps the last good model and its vectors,
 * the refusal names its reason, and the next good FULL is taken.
 */
class PoisonUpdatesTest {

    private static final int MAX_BYTES = 16 * 1024;

    private final List<TrainingExample> stream = clustered(40 * 32, 400, 10, 11);
    private final List<FeatureSnapshot> probe =
            stream.subList(0, 64).stream().map(TrainingExample::getContext).toList();
    private final List<UpdateRefusal> refusals = new ArrayList<>();
    private OnlineTrainer trainer;
    private ModelUpdates updates;
    private ReplicaSync<EncoderReplica> sync;
    private int nextBatch;
    private long goodVersion;
    private List<EncodedUser> goodVectors;

    @BeforeEach
    void startWithAGoodModel() {
        trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16));
        updates = new ModelUpdates(trainer, MAX_BYTES, Clock.systemUTC());
        sync = new ReplicaSync<>(
                EncoderReplica::fromFull, EncoderReplica::close, UpdateValidator.standard(), Runnable::run);
        train(6);
        List<ModelUpdate> full = updates.full();
        assertThat(full).as("several chunks").hasSizeGreaterThan(2);
        take(full);
        train(2);
        List<ModelUpdate> delta = updates.delta(versionOf(full));
        take(delta);
        assertThat(refusals).isEmpty();
        goodVersion = versionOf(delta);
        goodVectors = sync.current().encode(probe);
        train(2);
    }

    @AfterEach
    void close() throws InterruptedException {
        sync.close();
        trainer.close();
    }

    private void train(int steps) {
        for (int s = 0; s < steps; s++, nextBatch++) {
            trainer.step(stream.subList(nextBatch * 32, (nextBatch + 1) * 32));
        }
    }

    /** What a consumer does with each record of the topic: decode, offer, swap at its boundary. */
    private void takeRecord(byte[] value) {
        try {
            take(List.of(UpdateDecoder.decode(value, "model-updates-0@7")));
        } catch (RefusedUpdateException e) {
            refusals.add(e.refusal());
        }
    }

    private void take(List<ModelUpdate> chunks) {
        for (ModelUpdate chunk : chunks) {
            refusals.addAll(sync.offer(chunk));
            try {
                ReplicaSync.Swap swap = sync.swapIfAssembled();
                if (swap != null) {
                    refusals.addAll(swap.refusals());
                }
            } catch (RefusedUpdateException e) {
                refusals.add(e.refusal());
            }
        }
    }

    private static long versionOf(List<ModelUpdate> update) {
        return update.get(0).getVersion();
    }

    private void assertKeptTheLastGoodModel() {
        assertThat(sync.version()).as("the last good version").isEqualTo(goodVersion);
        assertSameVectors(sync.current().encode(probe), goodVectors);
    }

    private void assertRefused(UpdateRefusal.Reason reason, String... detail) {
        assertThat(refusals).as("refusals").isNotEmpty().allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.toString()).startsWith("[" + reason.label() + "] ");
        });
        assertThat(refusals.get(0).detail()).contains(detail);
    }

    /** The trainer's next FULL is taken whole: the consumer's vectors are the trainer's. */
    private void assertTheNextGoodFullIsTaken() {
        refusals.clear();
        train(1);
        List<ModelUpdate> next = updates.full();
        take(next);
        assertThat(refusals).isEmpty();
        assertThat(sync.version()).isEqualTo(versionOf(next));
        assertSameVectors(sync.current().encode(probe), trainer.encode(probe));
    }

    @Test
    void corruptBytesAreRefusedBeforeTheyReachTheModel() {
        byte[] good = UpdateDecoder.encode(updates.delta(goodVersion).get(0));
        byte[] garbage = new byte[4_096];
        new Random(5).nextBytes(garbage);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] hugeLength = {2, 's', (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};

        takeRecord(Arrays.copyOf(good, good.length / 2));
        takeRecord(garbage);
        takeRecord(trailing);
        takeRecord(hugeLength);
        takeRecord(new byte[0]);
        takeRecord(null);

        assertThat(refusals).hasSize(6);
        assertRefused(UpdateRefusal.Reason.CORRUPT, "model-updates-0@7", "is not a model update");
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void aFullMissingAChunkIsNeverAppliedAndIsRefusedAsTruncatedWhenTheNextFullArrives() {
        List<ModelUpdate> full = updates.full();
        List<ModelUpdate> truncated = new ArrayList<>(full);
        truncated.remove(1);
        take(truncated);
        train(1);
        take(updates.delta(versionOf(full)));
        assertThat(refusals)
                .as("nothing to refuse until the chunk is known to be lost")
                .isEmpty();
        assertKeptTheLastGoodModel();

        train(1);
        List<ModelUpdate> next = updates.full();
        take(next);

        assertThat(refusals).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(UpdateRefusal.Reason.TRUNCATED);
            assertThat(r.detail()).contains("FULL version " + versionOf(full), "of " + full.size());
        });
        assertThat(sync.version()).isEqualTo(versionOf(next));
        assertSameVectors(sync.current().encode(probe), trainer.encode(probe));
    }

    @Test
    void aFullOfAnotherEncoderPublishedUnderThisModelsNameIsRefusedAsForeign() {
        List<ModelUpdate> full = new ArrayList<>(updates.full());
        ModelSpec spec = full.get(0).getSpec();
        full.set(
                0,
                ModelUpdate.newBuilder(full.get(0))
                        .setSpec(
                                ModelSpec.newBuilder(spec).setEncoderName("sdm").build())
                        .build());

        take(full);

        assertRefused(UpdateRefusal.Reason.FOREIGN_MODEL, "encoder 'sdm'", "model 'meanpool'");
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void aFullWhoseSpecThisBuildCannotMakeIsRefusedAsForeign() {
        List<ModelUpdate> full = new ArrayList<>(updates.full());
        ModelSpec spec = full.get(0).getSpec();
        Map<String, String> settings = new HashMap<>(spec.getEncoderSettings());
        settings.put("meanpool.attention", "yes");
        full.set(
                0,
                ModelUpdate.newBuilder(full.get(0))
                        .setSpec(ModelSpec.newBuilder(spec)
                                .setEncoderSettings(settings)
                                .build())
                        .build());

        take(full);

        assertRefused(UpdateRefusal.Reason.FOREIGN_MODEL, "could not be built", "meanpool.attention");
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void aDeltaOfAnotherTrainersModelOnThisVersionIsRefusedAsForeignBeforeAnyWeightChanges() {
        try (OnlineTrainer other = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(24))) {
            other.step(stream.subList(0, 32));
            long otherFull = versionOf(new ModelUpdates(other, MAX_BYTES, Clock.systemUTC()).full());
            other.step(stream.subList(32, 64));
            List<ModelUpdate> foreign = new ModelUpdates(other, MAX_BYTES, Clock.systemUTC())
                    .delta(otherFull).stream()
                            .map(c -> ModelUpdate.newBuilder(c)
                                    .setVersion(goodVersion + 1)
                                    .setBaseVersion(goodVersion)
                                    .build())
                            .toList();

            take(foreign);
        }

        assertRefused(UpdateRefusal.Reason.FOREIGN_MODEL, "does not fit the model held", "shape");
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void versionsThatGoBackwardsAreRefusedAsStale() {
        List<ModelUpdate> zombie = updates.full().stream()
                .map(c -> ModelUpdate.newBuilder(c).setVersion(goodVersion - 1).build())
                .toList();

        take(zombie);
        take(zombie);

        assertThat(refusals).as("once per version, not per chunk or repeat").hasSize(1);
        assertRefused(
                UpdateRefusal.Reason.STALE_VERSION,
                "FULL version " + (goodVersion - 1),
                "older than version " + goodVersion);
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void nonFiniteWeightsInAFullOrADeltaAreRefusedWhole() {
        take(poisoned(updates.delta(goodVersion), Float.POSITIVE_INFINITY));
        train(1);
        take(poisoned(updates.full(), Float.NaN));

        assertThat(refusals).hasSize(2);
        assertRefused(UpdateRefusal.Reason.INVALID_VALUES, "non-finite");
        assertKeptTheLastGoodModel();
        assertTheNextGoodFullIsTaken();
    }

    @Test
    void aBadVersionHoweverHighNeverMakesTheGoodVersionBeingGatheredObsolete() {
        List<ModelUpdate> next = updates.full();
        List<ModelUpdate> bad = poisoned(next, Float.NaN).stream()
                .map(c -> ModelUpdate.newBuilder(c).setVersion(1_000_000L).build())
                .toList();
        take(next.subList(0, next.size() - 1));

        take(bad);
        take(next.subList(next.size() - 1, next.size()));

        assertRefused(UpdateRefusal.Reason.INVALID_VALUES, "FULL version 1000000");
        assertThat(refusals).hasSize(1);
        assertThat(sync.version()).isEqualTo(versionOf(next));
        assertSameVectors(sync.current().encode(probe), trainer.encode(probe));
    }

    /** {@code update} with one value of its last dense parameter replaced by {@code value}. */
    private static List<ModelUpdate> poisoned(List<ModelUpdate> update, float value) {
        List<ModelUpdate> chunks = new ArrayList<>(update);
        for (int i = 0; i < chunks.size(); i++) {
            ModelUpdate chunk = chunks.get(i);
            if (!chunk.getDense().isEmpty()) {
                List<DenseParameter> dense = new ArrayList<>(chunk.getDense());
                DenseParameter p = dense.get(dense.size() - 1);
                ByteBuffer values =
                        ByteBuffer.allocate(p.getValues().remaining()).order(ByteOrder.LITTLE_ENDIAN);
                values.put(p.getValues().duplicate()).flip();
                values.putFloat(values.limit() / 2 / Float.BYTES * Float.BYTES, value);
                dense.set(
                        dense.size() - 1,
                        DenseParameter.newBuilder(p).setValues(values).build());
                chunks.set(i, ModelUpdate.newBuilder(chunk).setDense(dense).build());
                return chunks;
            }
        }
        throw new AssertionError("no dense parameter in " + update.get(0));
    }

    @Test
    void aFloodOfOneKindIsLoggedOncePerQuietPeriodSayingHowManyWereRefusedMeanwhile() {
        AtomicLong now = new AtomicLong(1_000);
        UpdateRefusalLog log =
                new UpdateRefusalLog(LoggerFactory.getLogger(PoisonUpdatesTest.class), "test consumer", now::get);
        UpdateRefusal corrupt = new UpdateRefusal(UpdateRefusal.Reason.CORRUPT, "garbage");
        UpdateRefusal stale = new UpdateRefusal(UpdateRefusal.Reason.STALE_VERSION, "old");

        assertThat(log.refused(corrupt, 3)).isTrue();
        assertThat(log.refused(corrupt, 3)).isFalse();
        assertThat(log.refused(stale, 3))
                .as("another reason has its own quiet period")
                .isTrue();
        now.addAndGet(UpdateRefusalLog.QUIET_MILLIS);
        assertThat(log.refused(corrupt, 3)).isTrue();
    }

    @Test
    void aRefusalAlwaysHasAReasonAndADetail() {
        assertThatThrownBy(() -> new UpdateRefusal(null, "x")).isInstanceOf(NullPointerException.class);
        assertThat(Arrays.stream(UpdateRefusal.Reason.values()).map(UpdateRefusal.Reason::label))
                .containsExactly("corrupt", "truncated", "foreign-model", "stale-version", "invalid-values");
    }

    private static void assertSameVectors(List<EncodedUser> actual, List<EncodedUser> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i).vector()).containsExactly(expected.get(i).vector());
        }
    }
}
