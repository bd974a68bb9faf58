package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MixingBufferTest {

    private static final int BATCH = 32;

    /** User of example n in a stream of 64-example bursts, as a time-ordered replay produces. */
    private static int userOf(int example) {
        return example / 64;
    }

    private static double meanDistinctUsers(List<List<Integer>> batches) {
        return batches.stream()
                .mapToLong(
                        b -> b.stream().map(MixingBufferTest::userOf).distinct().count())
                .average()
                .orElseThrow();
    }

    @Test
    void batchesDrawnFromABurstyStreamMixManyMoreUsersThanArrivalOrder() {
        List<Integer> stream = IntStream.range(0, 64 * 200).boxed().toList();
        MixingBuffer<Integer> mixing = new MixingBuffer<>(64 * BATCH, BATCH, 3);
        List<List<Integer>> arrivalOrder = new ArrayList<>();
        List<List<Integer>> mixed = new ArrayList<>();
        for (int from = 0; from < stream.size(); from += BATCH) {
            List<Integer> arrived = stream.subList(from, from + BATCH);
            arrivalOrder.add(arrived);
            mixing.addAll(arrived);
            if (mixing.readyToDraw()) {
                mixed.add(mixing.drawBatch());
            }
        }
        // a batch of 32 consecutive examples holds 1 or 2 users; one drawn from the last 2048 holds up to 32 users
        assertThat(meanDistinctUsers(arrivalOrder)).isLessThan(1.6);
        assertThat(meanDistinctUsers(mixed)).isGreaterThan(15);
    }

    @Test
    void drawsOnlyOnceFullAndEveryExampleExactlyOnceWhenDrained() {
        MixingBuffer<Integer> mixing = new MixingBuffer<>(4 * BATCH, BATCH, 5);
        List<Integer> drawn = new ArrayList<>();
        for (int from = 0; from < 3 * BATCH; from += BATCH) {
            mixing.addAll(IntStream.range(from, from + BATCH).boxed().toList());
            assertThat(mixing.readyToDraw())
                    .as("%s of %s", mixing.size(), mixing.capacity())
                    .isFalse();
        }
        for (int from = 3 * BATCH; from < 20 * BATCH; from += BATCH) {
            mixing.addAll(IntStream.range(from, from + BATCH).boxed().toList());
            assertThat(mixing.readyToDraw()).isTrue();
            drawn.addAll(mixing.drawBatch());
            assertThat(mixing.size()).isEqualTo(3 * BATCH);
        }
        assertThat(mixing.contents()).hasSize(3 * BATCH);
        while (mixing.size() > 0) {
            drawn.addAll(mixing.drawBatch());
        }
        assertThat(drawn)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 20 * BATCH).boxed().toList());
        assertThat(drawn)
                .as("not in arrival order")
                .isNotEqualTo(IntStream.range(0, 20 * BATCH).boxed().toList());
        assertThat(mixing.drawBatch()).isEmpty();
    }

    @Test
    void refusesACapacityBelowOneBatch() {
        assertThatThrownBy(() -> new MixingBuffer<>(BATCH - 1, BATCH, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one batch");
    }
}
