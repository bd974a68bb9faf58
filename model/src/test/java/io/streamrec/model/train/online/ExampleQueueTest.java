package io.streamrec.model.train.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExampleQueueTest {

    @Test
    void keepsArrivalOrderWhileThereIsRoom() {
        ExampleQueue<Integer> queue = new ExampleQueue<>(8, 1);
        for (int i = 0; i < 5; i++) {
            queue.offer(i);
        }
        assertThat(queue.poll(3)).containsExactly(0, 1, 2);
        queue.offer(5);
        assertThat(queue.poll(10)).containsExactly(3, 4, 5);
        assertThat(queue.seen()).isEqualTo(6);
        assertThat(queue.dropped()).isZero();
    }

    @Test
    void aFullQueueHoldsAUniformSampleOfTheWholeBacklog() {
        int capacity = 100;
        int offered = 10_000;
        double meanOfSample = 0;
        int runs = 20;
        for (int run = 0; run < runs; run++) {
            ExampleQueue<Integer> queue = new ExampleQueue<>(capacity, run);
            for (int i = 0; i < offered; i++) {
                queue.offer(i);
            }
            List<Integer> sample = queue.poll(capacity + 1);
            assertThat(sample).hasSize(capacity).doesNotHaveDuplicates();
            assertThat(queue.seen()).isEqualTo(offered);
            assertThat(queue.dropped()).isEqualTo(offered - capacity);
            meanOfSample +=
                    sample.stream().mapToInt(Integer::intValue).average().orElseThrow() / runs;
        }
        // drop-newest would average 49.5, drop-oldest 9949.5; a uniform sample averages 4999.5 (sd of this mean ≈ 65)
        assertThat(meanOfSample).isBetween(4500.0, 5500.0);
    }

    @Test
    void afterADrainNewExamplesAreQueuedAgainInOrder() {
        ExampleQueue<Integer> queue = new ExampleQueue<>(4, 3);
        for (int i = 0; i < 100; i++) {
            queue.offer(i);
        }
        queue.poll(4);
        queue.offer(1000);
        queue.offer(1001);
        assertThat(queue.poll(4)).containsExactly(1000, 1001);
    }

    /** Integers as 4 bytes, counting what is encoded and decoded. */
    private static final class IntCodec implements ExampleQueue.Codec<Integer> {
        int encoded;
        int decoded;

        @Override
        public byte[] encode(Integer example) {
            encoded++;
            return ByteBuffer.allocate(4).putInt(example).array();
        }

        @Override
        public Integer decode(byte[] bytes) {
            decoded++;
            return ByteBuffer.wrap(bytes).getInt();
        }
    }

    private static ExampleQueue<Integer> withBacklog(int capacity, int backlog, IntCodec codec, long seed) {
        return new ExampleQueue<>(capacity, backlog, codec, seed, System::nanoTime);
    }

    @Test
    void aBurstBeyondTheQueueWaitsSerialisedInArrivalOrderAndNothingIsDropped() {
        IntCodec codec = new IntCodec();
        ExampleQueue<Integer> queue = withBacklog(4, 8, codec, 1);
        for (int i = 0; i < 12; i++) {
            queue.offer(i);
        }
        assertThat(queue.size()).isEqualTo(12);
        assertThat(queue.dropped()).isZero();
        assertThat(codec.encoded).as("only what the memory could not hold").isEqualTo(8);
        assertThat(queue.poll(3)).containsExactly(0, 1, 2);
        // the memory has room again, but arrivals queue behind the backlog: arrival order holds
        queue.offer(12);
        assertThat(queue.poll(5)).containsExactly(3, 4, 5, 6, 7);
        assertThat(queue.poll(100)).containsExactly(8, 9, 10, 11, 12);
        assertThat(codec.decoded).isEqualTo(codec.encoded);
        queue.offer(13);
        assertThat(codec.encoded).as("an empty backlog: back to memory").isEqualTo(9);
        assertThat(queue.poll(1)).containsExactly(13);
    }

    @Test
    void pastQueueAndBacklogTheQueueHoldsAUniformSampleOfEverything() {
        int offered = 10_000;
        double meanOfSample = 0;
        int runs = 20;
        for (int run = 0; run < runs; run++) {
            ExampleQueue<Integer> queue = withBacklog(20, 80, new IntCodec(), run);
            for (int i = 0; i < offered; i++) {
                queue.offer(i);
            }
            assertThat(queue.dropped()).isEqualTo(offered - 100);
            List<Integer> sample = queue.poll(101);
            assertThat(sample).hasSize(100).doesNotHaveDuplicates();
            meanOfSample +=
                    sample.stream().mapToInt(Integer::intValue).average().orElseThrow() / runs;
        }
        // a uniform sample of 0..9999 averages 4999.5 (sd of this mean ≈ 65); keeping the first 100 would give 49.5
        assertThat(meanOfSample).isBetween(4500.0, 5500.0);
    }

    @Test
    void aCheckpointTakesTheNextWaitingAsTheyAreAndCountsTheRest() {
        IntCodec codec = new IntCodec();
        ExampleQueue<Integer> queue = withBacklog(4, 8, codec, 1);
        for (int i = 0; i < 10; i++) {
            queue.offer(i);
        }
        queue.poll(2);
        ExampleQueue.Waiting<Integer> waiting = queue.waiting(4);
        assertThat(waiting.examples()).containsExactly(2, 3);
        assertThat(waiting.encoded()).extracting(codec::decode).containsExactly(4, 5);
        assertThat(waiting.omitted()).isEqualTo(4);
        assertThat(queue.size()).as("taking it changes nothing").isEqualTo(8);
    }

    @Test
    void awaitReturnsWhenEnoughAreQueuedOrOnWakeUp() throws Exception {
        ExampleQueue<Integer> queue = new ExampleQueue<>(4, 1);
        queue.offer(1);
        queue.offer(2);
        assertThat(queue.awaitAtLeast(2, 0, TimeUnit.MILLISECONDS)).isTrue();
        queue.wakeUp();
        assertThat(queue.awaitAtLeast(3, 1, TimeUnit.MINUTES))
                .as("woken up before 3 were queued")
                .isFalse();
    }

    @Test
    void restoreKeepsCountersAndQueuedExamples() {
        ExampleQueue<Integer> queue = new ExampleQueue<>(4, 1);
        queue.restore(500, 480, new ArrayList<>(List.of(7, 8, 9)));
        assertThat(queue.seen()).isEqualTo(500);
        assertThat(queue.dropped()).isEqualTo(480);
        assertThat(queue.poll(4)).containsExactly(7, 8, 9);
    }
}
