package io.streamrec.model.train.online;

import static org.assertj.core.api.Assertions.assertThat;

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
