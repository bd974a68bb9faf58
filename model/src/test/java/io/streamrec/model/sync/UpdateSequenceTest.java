package io.streamrec.model.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UpdateSequenceTest {

    static ModelUpdate chunk(UpdateKind kind, long version, Long base, int index, int count) {
        return ModelUpdate.newBuilder()
                .setModelName("sdm")
                .setVersion(version)
                .setBaseVersion(base)
                .setKind(kind)
                .setChunkIndex(index)
                .setChunkCount(count)
                .setCreatedAt(0L)
                .setSpec(kind == UpdateKind.FULL && index == 0 ? new ModelSpec("sdm", Map.of(), Map.of()) : null)
                .build();
    }

    static ModelUpdate full(long version) {
        return chunk(UpdateKind.FULL, version, null, 0, 1);
    }

    static ModelUpdate delta(long version, long base) {
        return chunk(UpdateKind.DELTA, version, base, 0, 1);
    }

    private final List<UpdateRefusal> refused = new ArrayList<>();

    /** Offers {@code chunk}, collecting refusals in {@link #refused}. */
    private List<CompleteUpdate> offer(UpdateSequence sequence, ModelUpdate chunk) {
        return sequence.offer(chunk, refused);
    }

    private List<UpdateRefusal.Reason> reasons() {
        return refused.stream().map(UpdateRefusal::reason).toList();
    }

    private static List<Long> versions(List<CompleteUpdate> updates) {
        return updates.stream().map(CompleteUpdate::version).toList();
    }

    @Test
    void deltasBeforeTheFirstFullWaitAndFollowItInVersionOrder() {
        UpdateSequence sequence = new UpdateSequence();

        assertThat(offer(sequence, delta(3, 2))).isEmpty();
        assertThat(offer(sequence, delta(2, 1))).isEmpty();
        assertThat(sequence.heldDeltas()).isEqualTo(2);

        assertThat(versions(offer(sequence, full(1)))).containsExactly(1L, 2L, 3L);
        assertThat(sequence.version()).isEqualTo(3);
        assertThat(sequence.heldDeltas()).isZero();
    }

    @Test
    void aFullIsHandedOutOnlyWhenEveryChunkArrivedAndDuplicatesAndStaleVersionsAreIgnored() {
        UpdateSequence sequence = new UpdateSequence();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 5, null, 1, 3))).isEmpty();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 5, null, 1, 3))).isEmpty();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 5, null, 0, 3))).isEmpty();

        List<CompleteUpdate> ready = offer(sequence, chunk(UpdateKind.FULL, 5, null, 2, 3));

        assertThat(ready).singleElement().satisfies(u -> {
            assertThat(u.chunks()).extracting(ModelUpdate::getChunkIndex).containsExactly(0, 1, 2);
            assertThat(u.spec()).isNotNull();
        });
        assertThat(offer(sequence, full(4))).isEmpty();
        assertThat(offer(sequence, delta(5, 4))).isEmpty();
        assertThat(sequence.heldDeltas()).isZero();
    }

    @Test
    void aDeltaOnAForeignBaseWaitsForTheNextFullWhichMakesItObsolete() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(1));
        assertThat(offer(sequence, delta(4, 3))).isEmpty();
        assertThat(sequence.heldDeltas()).isEqualTo(1);

        assertThat(versions(offer(sequence, full(5)))).containsExactly(5L);
        assertThat(sequence.heldDeltas()).isZero();
        assertThat(versions(offer(sequence, delta(6, 5)))).containsExactly(6L);
    }

    @Test
    void afterARewindTheRefusedVersionsSuccessorsWaitForTheNextFull() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(1));
        assertThat(versions(offer(sequence, delta(2, 1)))).containsExactly(2L);

        sequence.rewind(1);

        assertThat(offer(sequence, delta(3, 2))).isEmpty();
        assertThat(versions(offer(sequence, full(4)))).containsExactly(4L);
    }

    @Test
    void anInconsistentHeaderIsRefusedAsCorruptWithItsReason() {
        UpdateSequence sequence = new UpdateSequence();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 1, null, 3, 2))).isEmpty();
        assertThat(offer(sequence, delta(2, 2))).isEmpty();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 0, null, 0, 1))).isEmpty();

        assertThat(reasons()).containsOnly(UpdateRefusal.Reason.CORRUPT);
        assertThat(refused)
                .extracting(UpdateRefusal::detail)
                .satisfiesExactly(
                        d -> assertThat(d).contains("out of range"),
                        d -> assertThat(d).contains("baseVersion below it"),
                        d -> assertThat(d).contains("not positive"));
        assertThat(sequence.version()).isZero();
    }

    @Test
    void aVersionOlderThanOneAppliedIsRefusedAsStaleOnceWhileADuplicateOfTheCurrentIsDroppedSilently() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(5));
        offer(sequence, delta(6, 5));

        assertThat(offer(sequence, chunk(UpdateKind.FULL, 3, null, 0, 2))).isEmpty();
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 3, null, 1, 2))).isEmpty();
        assertThat(offer(sequence, delta(4, 3))).isEmpty();
        assertThat(offer(sequence, delta(6, 5))).as("a duplicate").isEmpty();

        assertThat(refused)
                .extracting(UpdateRefusal::reason)
                .containsExactly(UpdateRefusal.Reason.STALE_VERSION, UpdateRefusal.Reason.STALE_VERSION);
        assertThat(refused.get(0).detail()).contains("FULL version 3", "older than version 6");
        assertThat(sequence.version()).isEqualTo(6);
        assertThat(versions(offer(sequence, delta(7, 6)))).containsExactly(7L);
    }

    @Test
    void aVersionMissingChunksIsRefusedAsTruncatedOnceANewerVersionIsAppliedAndNeverHandedOut() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(1));
        offer(sequence, chunk(UpdateKind.FULL, 2, null, 0, 3));
        offer(sequence, chunk(UpdateKind.FULL, 2, null, 2, 3));
        assertThat(refused).isEmpty();

        assertThat(versions(offer(sequence, full(3)))).containsExactly(3L);
        assertThat(offer(sequence, chunk(UpdateKind.FULL, 2, null, 1, 3)))
                .as("the missing chunk, too late")
                .isEmpty();

        assertThat(refused).hasSize(2);
        assertThat(refused.get(0).reason()).isEqualTo(UpdateRefusal.Reason.TRUNCATED);
        assertThat(refused.get(0).detail()).contains("FULL version 2 has chunks [0, 2] of 3", "version 3");
        assertThat(refused.get(1).reason()).isEqualTo(UpdateRefusal.Reason.STALE_VERSION);
        assertThat(sequence.partialVersions()).isZero();
    }

    @Test
    void incompleteVersionsAreBoundedTheOldestDroppedAsTruncated() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(1));
        for (long v = 100; v < 100 + UpdateSequence.MAX_PARTIAL_VERSIONS + 3; v++) {
            offer(sequence, chunk(UpdateKind.FULL, v, null, 0, 1_000));
        }

        assertThat(sequence.partialVersions()).isEqualTo(UpdateSequence.MAX_PARTIAL_VERSIONS);
        assertThat(refused)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo(UpdateRefusal.Reason.TRUNCATED));
        assertThat(refused.get(0).detail()).contains("FULL version 100 ");
        assertThat(versions(offer(sequence, delta(2, 1))))
                .as("good versions go on")
                .containsExactly(2L);
    }

    @Test
    void aChunkContradictingItsVersionsOtherChunksDropsThemAndStartsThatVersionAgain() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, full(1));
        offer(sequence, chunk(UpdateKind.FULL, 2, null, 0, 2));
        ModelUpdate restarted = ModelUpdate.newBuilder(chunk(UpdateKind.FULL, 2, null, 0, 2))
                .setCreatedAt(99L)
                .build();

        assertThat(offer(sequence, restarted)).isEmpty();
        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(UpdateRefusal.Reason.CORRUPT);
            assertThat(r.detail()).contains("created at 99, not 0");
        });
        List<CompleteUpdate> ready = offer(
                sequence,
                ModelUpdate.newBuilder(chunk(UpdateKind.FULL, 2, null, 1, 2))
                        .setCreatedAt(99L)
                        .build());
        assertThat(ready)
                .singleElement()
                .satisfies(u -> assertThat(u.createdAt()).isEqualTo(99L));
    }

    @Test
    void aConsumerThatJoinsInTheMiddleOfAVersionDropsItSilently() {
        UpdateSequence sequence = new UpdateSequence();
        offer(sequence, chunk(UpdateKind.FULL, 4, null, 2, 3));
        offer(sequence, delta(5, 4));

        assertThat(versions(offer(sequence, full(6)))).containsExactly(6L);
        assertThat(refused)
                .as("a restart from a checkpointed offset is not a truncation")
                .isEmpty();
    }

    @Test
    void theNewestVectorIsTheOneWithTheHigherModelVersionThenEventTime() {
        assertThat(VectorRecency.replaces(2, 100, 1, 500)).isTrue();
        assertThat(VectorRecency.replaces(1, 600, 1, 500)).isTrue();
        assertThat(VectorRecency.replaces(1, 500, 1, 500)).isTrue();
        assertThat(VectorRecency.replaces(1, 400, 1, 500)).isFalse();
        assertThat(VectorRecency.replaces(1, 900, 2, 500)).isFalse();
    }

    @Test
    void theTailGivesTheNewestVersionAndWhereTheNewestCompleteFullStarts() {
        List<ModelUpdate> records = new ArrayList<>();
        records.add(full(1));
        for (long v = 2; v <= 40; v++) {
            records.add(delta(v, v - 1));
        }
        records.add(chunk(UpdateKind.FULL, 41, null, 0, 2));
        records.add(chunk(UpdateKind.FULL, 41, null, 1, 2));
        records.add(delta(42, 41));
        records.add(chunk(UpdateKind.FULL, 43, null, 0, 2));
        UpdateLogTail.Log log = new ListLog(records);

        assertThat(UpdateLogTail.latestVersion(log)).isEqualTo(43);
        assertThat(UpdateLogTail.newestFullStart(log, "sdm"))
                .as("43 is incomplete")
                .hasValue(40L);
        assertThat(UpdateLogTail.newestFullStart(log, "sine")).isEmpty();
        assertThat(UpdateLogTail.newestFullStart(new ListLog(records.subList(0, 30)), "sdm"))
                .as("found past the first window")
                .isEqualTo(OptionalLong.of(0));
        assertThat(UpdateLogTail.latestVersion(new ListLog(List.of()))).isZero();
    }

    private record ListLog(List<ModelUpdate> records) implements UpdateLogTail.Log {
        @Override
        public long start() {
            return 0;
        }

        @Override
        public long end() {
            return records.size();
        }

        @Override
        public List<UpdateLogTail.Positioned> read(long from, long to) {
            List<UpdateLogTail.Positioned> out = new ArrayList<>();
            for (long o = from; o < to; o++) {
                out.add(new UpdateLogTail.Positioned(o, records.get((int) o)));
            }
            return out;
        }
    }
}
