package io.streamrec.flink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchDeadlineTest {

    private static final long MS = 1_000_000;

    private final BatchDeadline deadline = new BatchDeadline(
            Duration.ofMillis(25), Duration.ofMillis(20), 256, Duration.ofMillis(1), Duration.ofNanos(60_000));

    /** {@code perMs} arrivals each millisecond for {@code millis}, in batches of n/2..3n/2 costing a + b·size. */
    private void run(double perMs, long millis, double a, double b, int n) {
        double owed = 0;
        int inBatch = 0;
        int batches = 0;
        for (long t = 0; t < millis; t++) {
            owed += perMs;
            for (; owed >= 1; owed--) {
                deadline.arrived(t * MS);
                int size = n / 2 + (batches * 7919) % (n + 1);
                if (++inBatch >= size) {
                    deadline.encoded(inBatch, (long) ((a + b * inBatch) * MS));
                    inBatch = 0;
                    batches++;
                }
            }
        }
    }

    @Test
    void beforeAnyRateIsMeasuredABatchWaitsAsLongAsTheBudgetAllows() {
        // 25 ms budget less the prior's cost of a batch of one (1.06 ms), capped at the 20 ms maximum
        assertThat(deadline.waitMillis()).isEqualTo(20);
    }

    @Test
    void atALowRateEachSnapshotIsEncodedOnArrival() {
        run(0.05, 3_000, 1, 0.06, 1);
        assertThat(deadline.ratePerMs()).isCloseTo(0.05, within(0.01));
        assertThat(deadline.waitMillis()).isZero();
    }

    @Test
    void atAHighRateTheWaitMakesBatchesLargeEnoughForTheEncodersShareOfItsThread() {
        run(5, 3_000, 1, 0.02, 40);
        double[] cost = deadline.cost();
        assertThat(cost[0]).isCloseTo(1, within(0.1));
        assertThat(cost[1]).isCloseTo(0.02, within(0.005));
        long wait = deadline.waitMillis();
        double batch = 5 * wait;
        // λ·(a/n + b) ≤ share: at 5 per ms, a = 1 ms, b = 0.02 ms, batches of at least 33
        assertThat(5 * (1 / batch + 0.02)).isLessThanOrEqualTo(BatchDeadline.CPU_SHARE + 1e-9);
        assertThat(wait).isBetween(7L, 20L);
    }

    @Test
    void underALoadTheEncoderCannotCarryAtItsShareTheBudgetCapsTheWait() {
        run(12, 3_000, 1, 0.03, 150);
        // λ·b = 0.36 > 0.25: the budget's cap (25 − 1 − 0.03) / (1 + 0.36) ≈ 17.6 ms, below a full batch's 21.3 ms
        assertThat(deadline.waitMillis()).isEqualTo(18);
    }

    @Test
    void aBacklogIsNotMistakenForALowRateWhenEncodingOneByOneKeepsTheEncoderBusy() {
        // a queue before the operator: each snapshot arrives the moment the previous one is encoded, 1 ms each, so
        // the rate it observes (1 per ms) is its own throughput
        long now = 0;
        for (int i = 0; i < 3_000; i++) {
            deadline.arrived(now);
            deadline.encoded(1, MS);
            now += MS;
        }
        assertThat(deadline.busyShare()).isGreaterThan(0.9);
        assertThat(deadline.waitMillis())
                .as("wait as long as the budget allows")
                .isEqualTo(20);
    }

    @Test
    void noBatchWaitsLongerThanItTakesToFill() {
        run(40, 3_000, 1, 0.006, 150);
        // 256 snapshots arrive in 6.4 ms
        assertThat(deadline.waitMillis()).isEqualTo(7);
    }

    @Test
    void theCostFitFindsTheFixedAndPerUserCostOfMeasuredBatches() {
        for (int i = 0; i < 200; i++) {
            int n = 1 + (i * 37) % 256;
            deadline.encoded(n, (long) ((2 + 0.05 * n) * MS));
        }
        double[] cost = deadline.cost();
        assertThat(cost[0]).isCloseTo(2, within(0.05));
        assertThat(cost[1]).isCloseTo(0.05, within(0.001));
    }
}
