package io.streamrec.model.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static List<Long> versions(List<CompleteUpdate> updates) {
        return updates.stream().map(CompleteUpdate::version).toList();
    }

    @Test
    void deltasBeforeTheFirstFullWaitAndFollowItInVersionOrder() {
        UpdateSequence sequence = new UpdateSequence();

        assertThat(sequence.offer(delta(3, 2))).isEmpty();
        assertThat(sequence.offer(delta(2, 1))).isEmpty();
        assertThat(sequence.heldDeltas()).isEqualTo(2);

        assertThat(versions(sequence.offer(full(1)))).containsExactly(1L, 2L, 3L);
        assertThat(sequence.version()).isEqualTo(3);
        assertThat(sequence.heldDeltas()).isZero();
    }

    @Test
    void aFullIsHandedOutOnlyWhenEveryChunkArrivedAndDuplicatesAndStaleVersionsAreIgnored() {
        UpdateSequence sequence = new UpdateSequence();
        assertThat(sequence.offer(chunk(UpdateKind.FULL, 5, null, 1, 3))).isEmpty();
        assertThat(sequence.offer(chunk(UpdateKind.FULL, 5, null, 1, 3))).isEmpty();
        assertThat(sequence.offer(chunk(UpdateKind.FULL, 5, null, 0, 3))).isEmpty();

        List<CompleteUpdate> ready = sequence.offer(chunk(UpdateKind.FULL, 5, null, 2, 3));

        assertThat(ready).singleElement().satisfies(u -> {
            assertThat(u.chunks()).extracting(ModelUpdate::getChunkIndex).containsExactly(0, 1, 2);
            assertThat(u.spec()).isNotNull();
        });
        assertThat(sequence.offer(full(4))).isEmpty();
        assertThat(sequence.offer(delta(5, 4))).isEmpty();
        assertThat(sequence.heldDeltas()).isZero();
    }

    @Test
    void aDeltaOnAForeignBaseWaitsForTheNextFullWhichMakesItObsolete() {
        UpdateSequence sequence = new UpdateSequence();
        sequence.offer(full(1));
        assertThat(sequence.offer(delta(4, 3))).isEmpty();
        assertThat(sequence.heldDeltas()).isEqualTo(1);

        assertThat(versions(sequence.offer(full(5)))).containsExactly(5L);
        assertThat(sequence.heldDeltas()).isZero();
        assertThat(versions(sequence.offer(delta(6, 5)))).containsExactly(6L);
    }

    @Test
    void afterARewindTheRefusedVersionsSuccessorsWaitForTheNextFull() {
        UpdateSequence sequence = new UpdateSequence();
        sequence.offer(full(1));
        assertThat(versions(sequence.offer(delta(2, 1)))).containsExactly(2L);

        sequence.rewind(1);

        assertThat(sequence.offer(delta(3, 2))).isEmpty();
        assertThat(versions(sequence.offer(full(4)))).containsExactly(4L);
    }

    @Test
    void anInconsistentHeaderIsRefusedWithItsReason() {
        UpdateSequence sequence = new UpdateSequence();
        assertThatThrownBy(() -> sequence.offer(chunk(UpdateKind.FULL, 1, null, 3, 2)))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> sequence.offer(delta(2, 2))).hasMessageContaining("baseVersion below it");
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
