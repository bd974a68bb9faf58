package io.streamrec.flink.it;

import java.util.Arrays;

/**
 * How long after a fault the job commits vectors at the offered rate again, from two timelines of one soak: when
 * each record was due (the offered stream) and when each event's vector was first seen committed.
 *
 * <p>Committed records arrive in bunches, one exactly-once transaction per checkpoint, so a rate over a fixed clock
 * window swings by a whole checkpoint's worth with where the window's edges fall. Rates here are measured between
 * two commit instants instead: at instant {@code c}, the records committed in {@code (a, c]} over {@code c - a},
 * where {@code a} is the last commit instant at least {@link #windowSec} before {@code c}; the offered rate is taken
 * over the same interval. At a moment {@code u} with no commit for more than {@link #silenceSec}, the job is stalled
 * (rate 0) whatever came before.
 *
 * <p>A fault at {@code f} is recovered at the first moment {@code t >= f} from which, at every step of
 * {@link #sustainSec} seconds, the committed rate is at least {@link #share} of the offered rate. A job that never
 * stalled recovers at once (0); one that never gets back within the observed time gives NaN. {@link #sustainSec}
 * must exceed {@link #silenceSec}, so that a stall beginning right after the fault is seen.
 */
final class OfferedRateRecovery {

    private static final double STEP_SEC = 0.25;

    private final double[] due;
    private final double[] commits;
    private final double[] instants;
    private final double endSec;
    final double windowSec;
    final double silenceSec;
    final double sustainSec;
    final double share;

    /**
     * @param dueSec when each offered record was due, seconds after the load started
     * @param committedSec when each committed vector was first seen, same clock
     * @param endSec the end of what was observed (no verdict is given for moments after it)
     */
    OfferedRateRecovery(
            double[] dueSec,
            double[] committedSec,
            double endSec,
            double windowSec,
            double silenceSec,
            double sustainSec,
            double share) {
        if (sustainSec <= silenceSec) {
            throw new IllegalArgumentException("sustainSec (" + sustainSec + ") must exceed silenceSec (" + silenceSec
                    + "), or a stall right after a fault goes unseen");
        }
        this.due = dueSec.clone();
        this.commits = committedSec.clone();
        Arrays.sort(due);
        Arrays.sort(commits);
        this.instants = Arrays.stream(commits).distinct().toArray();
        this.endSec = endSec;
        this.windowSec = windowSec;
        this.silenceSec = silenceSec;
        this.sustainSec = sustainSec;
        this.share = share;
    }

    /**
     * The soak's settings, scaled to the run's own commit rhythm: a silence is a stall when it exceeds 6 s and one and
     * a half times the 90th percentile of the gaps between commits (a loaded machine's checkpoints take longer, and a
     * fixed bound would call their ordinary gaps stalls; the few long gaps of the faults themselves are above the
     * percentile); windows of at least 10 s and that silence; the rate must hold for the silence plus 4 s, at 95 % of
     * the offered rate.
     */
    static OfferedRateRecovery of(double[] dueSec, double[] committedSec, double endSec) {
        double silence = Math.max(6, 1.5 * gapPercentile(committedSec, 0.9));
        return new OfferedRateRecovery(dueSec, committedSec, endSec, Math.max(10, silence), silence, silence + 4, 0.95);
    }

    /** The {@code p} quantile of the gaps between consecutive commit instants; 0 with fewer than two instants. */
    static double gapPercentile(double[] committedSec, double p) {
        double[] instants = Arrays.stream(committedSec).sorted().distinct().toArray();
        if (instants.length < 2) {
            return 0;
        }
        double[] gaps = new double[instants.length - 1];
        for (int i = 1; i < instants.length; i++) {
            gaps[i - 1] = instants[i] - instants[i - 1];
        }
        Arrays.sort(gaps);
        return gaps[Math.min(gaps.length - 1, (int) Math.floor(p * gaps.length))];
    }

    /** Seconds from {@code faultSec} until the committed rate is back to the offered rate; NaN if it never is. */
    double recoverySec(double faultSec) {
        double candidate = faultSec;
        for (double u = faultSec; u <= endSec; u += STEP_SEC) {
            if (!keepsUp(u)) {
                candidate = u + STEP_SEC;
            } else if (u - candidate >= sustainSec) {
                return candidate - faultSec;
            }
        }
        return Double.NaN;
    }

    /** Whether at moment {@code u} the job commits at least {@link #share} of what is offered. */
    boolean keepsUp(double u) {
        int last = lastAtOrBefore(instants, u);
        if (last < 0) {
            return count(due, Double.NEGATIVE_INFINITY, u) == 0;
        }
        double c = instants[last];
        if (u - c > silenceSec) {
            return count(due, c, u) == 0;
        }
        int first = lastAtOrBefore(instants, c - windowSec);
        double a = first < 0 ? Math.min(0, c - windowSec) : instants[first];
        long offered = count(due, a, c);
        return offered == 0 || count(commits, a, c) >= share * offered;
    }

    /** Records in {@code (from, to]} of a sorted timeline. */
    private static long count(double[] sorted, double from, double to) {
        return lastAtOrBefore(sorted, to) - lastAtOrBefore(sorted, from);
    }

    /** Index of the last element {@code <= x}, or -1. */
    private static int lastAtOrBefore(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }
}
