package io.streamrec.flink.encode;

import java.time.Duration;

/**
 * How long the encoder's micro-batch may wait for more snapshots, from the observed arrival rate and encode cost.
 *
 * <p>Waiting makes batches larger, and a larger batch costs less per user (a forward pass has a fixed cost, a, beside
 * its cost per user, b), but every millisecond waited is latency. The deadline is the shortest wait that keeps the
 * encoder's busy share of its thread at {@link #CPU_SHARE} at the arrival rate λ: batches of n = λ·d users cost
 * λ·(a/n + b) of each second, so d = a / (share − λ·b). It never exceeds what the latency budget leaves: the first
 * snapshot of a batch waits d, then the batch of about 1 + λ·d users is encoded, and d + a + b·(1 + λ·d) must stay
 * within the budget. Under a load the encoder cannot carry at that share, the budget's cap is taken, and the size
 * bound of the batch ends batches earlier still. A wait of 0 encodes each snapshot as it arrives. Until a rate is
 * measured (the first millisecond of arrivals), and whenever the encoder has been busy more than its share, the
 * budget's cap is taken: a backlog before the operator makes the rate it observes its own throughput, which must not
 * be mistaken for a low arrival rate (small batches would keep the encoder slow, and the backlog growing).
 *
 * <p>λ is a time-decayed rate over about the last second; a and b are fitted by least squares over recent batches,
 * with exponentially decaying weights, starting from a prior that decays like a measurement; while recent batches
 * are all of about one size, the prior's per-user cost is kept. Not thread-safe (the task thread's).
 */
final class BatchDeadline {

    /** The busy share of its thread the encoder aims at; the rest is left to the other tasks on the same cores. */
    static final double CPU_SHARE = 0.25;
    /** Time constant of the arrival-rate estimate. */
    private static final double RATE_HORIZON_MS = 1000;
    /** Per batch, older batches count this much less in the cost fit. */
    private static final double COST_DECAY = 0.97;

    private final double budgetMs;
    private final double maxWaitMs;
    private final int maxBatch;

    private double ratePerMs;
    private double busyShare;
    private long rateUpdatedNanos = Long.MIN_VALUE;
    private long arrivalsSinceUpdate;
    private long busyNanosSinceUpdate;

    private final double priorFixedMs;
    private final double priorPerUserMs;
    private double s0;
    private double sn;
    private double st;
    private double snn;
    private double snt;

    /**
     * @param budget         the most a snapshot should spend in the encoder: waiting for its batch plus encoding
     * @param maxWait        the longest wait whatever the budget
     * @param maxBatch       the batch's size bound
     * @param priorFixed     a forward pass's fixed cost, before any measurement
     * @param priorPerUser   its cost per user, before any measurement
     */
    BatchDeadline(Duration budget, Duration maxWait, int maxBatch, Duration priorFixed, Duration priorPerUser) {
        this.budgetMs = budget.toNanos() / 1e6;
        this.maxWaitMs = maxWait.toNanos() / 1e6;
        this.maxBatch = maxBatch;
        this.priorFixedMs = priorFixed.toNanos() / 1e6;
        this.priorPerUserMs = priorPerUser.toNanos() / 1e6;
        // the prior enters as two pseudo-batches, of one user and of a full batch, that decay like measured ones
        for (int n : new int[] {1, maxBatch}) {
            addBatch(n, priorFixedMs + priorPerUserMs * n);
        }
    }

    /** One snapshot arrived at {@code nowNanos}. */
    void arrived(long nowNanos) {
        arrivalsSinceUpdate++;
        if (rateUpdatedNanos == Long.MIN_VALUE) {
            rateUpdatedNanos = nowNanos;
            return;
        }
        double elapsedMs = (nowNanos - rateUpdatedNanos) / 1e6;
        if (elapsedMs >= 1) {
            double keep = Math.exp(-elapsedMs / RATE_HORIZON_MS);
            ratePerMs = keep * ratePerMs + (1 - keep) * arrivalsSinceUpdate / elapsedMs;
            busyShare = keep * busyShare + (1 - keep) * Math.min(1, busyNanosSinceUpdate / 1e6 / elapsedMs);
            arrivalsSinceUpdate = 0;
            busyNanosSinceUpdate = 0;
            rateUpdatedNanos = nowNanos;
        }
    }

    /** A batch of {@code size} snapshots took {@code nanos} to encode. */
    void encoded(int size, long nanos) {
        busyNanosSinceUpdate += nanos;
        addBatch(size, nanos / 1e6);
    }

    private void addBatch(double size, double t) {
        s0 = COST_DECAY * s0 + 1;
        sn = COST_DECAY * sn + size;
        st = COST_DECAY * st + t;
        snn = COST_DECAY * snn + (double) size * size;
        snt = COST_DECAY * snt + size * t;
    }

    /** The fitted fixed cost a and per-user cost b of a forward pass, in ms, both at least 0. */
    double[] cost() {
        double variance = s0 * snn - sn * sn;
        // batches all of about one size say nothing about the slope: keep the prior's
        double b = variance > s0 * s0 ? (s0 * snt - sn * st) / variance : priorPerUserMs;
        b = Math.max(0, b);
        double a = Math.max(0, (st - b * sn) / s0);
        return new double[] {a, b};
    }

    /** The share of the last second or so the encoder spent encoding. */
    double busyShare() {
        return busyShare;
    }

    /** Snapshots per ms over about the last second. */
    double ratePerMs() {
        return ratePerMs;
    }

    /** How long a batch whose first snapshot arrives now may wait, in ms (0: encode now). */
    long waitMillis() {
        double[] cost = cost();
        double a = cost[0];
        double b = cost[1];
        double lambda = ratePerMs;
        double cap = Math.min(maxWaitMs, (budgetMs - a - b) / (1 + b * lambda));
        if (cap <= 0) {
            return 0;
        }
        if (lambda <= 0 || busyShare > CPU_SHARE) {
            // no rate measured yet (the first arrivals, all within a millisecond), or the encoder is busier than its
            // share: then snapshots queue before this operator, and the rate it sees is its own throughput, not the
            // arrival rate, so a short wait would keep batches small and the encoder slow; wait as long as allowed
            return (long) Math.ceil(lambda > 0 ? Math.min(cap, maxBatch / lambda) : cap);
        }
        double headroom = CPU_SHARE - lambda * b;
        double wait = headroom > 0 ? a / headroom : cap;
        // a batch that would be full before the wait ends needs no longer wait
        wait = Math.min(Math.min(wait, maxBatch / lambda), cap);
        // a wait shorter than the time to the next arrival gains nothing
        if (wait * lambda < 1) {
            return 0;
        }
        return (long) Math.ceil(wait);
    }
}
