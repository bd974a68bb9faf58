package io.streamrec.serving.index;

/**
 * A share s of one core for graph work, kept over time: work that started at t0 and cost w (core-nanoseconds) lets
 * the next work start at t0 + w/s at the earliest, so work never takes more than s of the time since the first
 * (plus the one piece in progress). Decisions only; the caller measures its work and reports it.
 */
final class GraphBudget {

    private final double share;
    private long nextAllowedAt;
    private boolean charged;
    private long chargedNanos;

    GraphBudget(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("a CPU share must be in (0, 1], got " + share);
        }
        this.share = share;
    }

    double share() {
        return share;
    }

    /** Nanoseconds from {@code now} until work may start; 0 if it may start now. */
    long waitNanos(long now) {
        return charged ? Math.max(0, nextAllowedAt - now) : 0;
    }

    /** Work that started at {@code startedAt} cost {@code workNanos} of one core. */
    void charge(long startedAt, long workNanos) {
        long idleUntil = startedAt + (long) Math.ceil(workNanos / share);
        nextAllowedAt = charged ? Math.max(nextAllowedAt, idleUntil) : idleUntil;
        charged = true;
        chargedNanos += workNanos;
    }

    /** Everything charged so far, core-nanoseconds. */
    long chargedNanos() {
        return chargedNanos;
    }
}
