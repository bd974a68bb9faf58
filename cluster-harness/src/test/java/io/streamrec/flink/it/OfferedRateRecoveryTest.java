package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The soak's "back to the offered rate" on synthetic timelines: a job offered 100 records a second that processes
 * at a given capacity over time and commits what it processed every 2 s, as exactly-once transactions do.
 */
class OfferedRateRecoveryTest {

    private static final double RATE = 100;
    private static final double END = 150;
    private static final double COMMIT_EVERY = 2;
    /** Records a second that any backlog here takes within one 10 ms tick. */
    private static final double UNBOUNDED = 1e6;

    @Test
    void aJobThatKeepsUpRecoversAtOnce() {
        OfferedRateRecovery recovery = recovery(t -> UNBOUNDED);

        assertThat(recovery.recoverySec(40)).isZero();
        assertThat(recovery.recoverySec(100)).isZero();
    }

    @Test
    void aStalledJobRecoversWhenItCommitsAtTheOfferedRateAgainNotBefore() {
        // nothing processed from 40 s to 60 s, then fast enough to take the backlog in one checkpoint
        OfferedRateRecovery recovery = recovery(t -> t >= 40 && t < 60 ? 0 : UNBOUNDED);

        // the first commit after the stall is at 60 s (the commits keep their 2 s cadence)
        assertThat(recovery.recoverySec(40)).isCloseTo(20, within(0.5));
        // a stall is a stall wherever the fault is dated inside it
        assertThat(recovery.recoverySec(50)).isCloseTo(10, within(0.5));
    }

    @Test
    void aJobThatCommitsAgainBelowTheOfferedRateHasNotRecoveredUntilItsRateIsBack() {
        // stalled 40-60 s, then only half the offered rate until 80 s, then three times it
        OfferedRateRecovery recovery = recovery(t -> t >= 40 && t < 60 ? 0 : t >= 60 && t < 80 ? 50 : 300);

        double recovered = recovery.recoverySec(40);
        // at 60-80 s vectors come again, but at half the offered rate: not recovered; from 80 s the rate is back,
        // seen at the first commit whose window holds enough of the faster stretch
        assertThat(recovered).isBetween(40.0, 44.5);
        // the catch-up time (every record offered before the fault committed) says nothing of this: the
        // checkpoint at the fault itself committed all of them, so it is 0 although the job then stalled for 20 s
        assertThat(catchUpSec(40, t -> t >= 40 && t < 60 ? 0 : t >= 60 && t < 80 ? 50 : 300))
                .isCloseTo(0, within(0.1));
    }

    @Test
    void slowCheckpointsOfALoadedMachineAreNotStallsButAStallStillIs() {
        // every other checkpoint takes 9 s instead of 2 s: ordinary on a busy machine, no fault
        List<double[]> steady = simulate(t -> UNBOUNDED, OfferedRateRecoveryTest::slowEveryOther);
        OfferedRateRecovery noFault = OfferedRateRecovery.of(steady.get(2), steady.get(1), END);
        assertThat(OfferedRateRecovery.gapPercentile(steady.get(1), 0.9)).isCloseTo(9, within(0.1));
        assertThat(noFault.silenceSec).isCloseTo(13.5, within(0.2));
        assertThat(noFault.recoverySec(40)).isZero();
        // a fixed 6 s bound calls those gaps stalls: the job seems to recover only once the load is over (130 s)
        assertThat(new OfferedRateRecovery(steady.get(2), steady.get(1), END, 10, 6, 10, 0.95).recoverySec(40))
                .isGreaterThanOrEqualTo(130 - 40);

        // the same rhythm with a 30 s stall from 40 s: still a stall
        List<double[]> stalled =
                simulate(t -> t >= 40 && t < 70 ? 0 : UNBOUNDED, OfferedRateRecoveryTest::slowEveryOther);
        OfferedRateRecovery withFault = OfferedRateRecovery.of(stalled.get(2), stalled.get(1), END);
        assertThat(withFault.recoverySec(40)).isBetween(28.0, 40.0);
    }

    /** Commit instants alternately 2 s and 9 s apart: every other checkpoint is slow. */
    private static double slowEveryOther(double previous, int n) {
        return previous + (n % 2 == 1 ? 9 : 2);
    }

    @Test
    void aJobThatNeverComesBackHasNoRecoveryTime() {
        OfferedRateRecovery recovery = recovery(t -> t >= 40 ? 0 : UNBOUNDED);

        assertThat(recovery.recoverySec(40)).isNaN();
    }

    @Test
    void aStallMustBeSeenWithinTheSustainedStretch() {
        assertThatThrownBy(() -> new OfferedRateRecovery(new double[0], new double[0], 10, 10, 6, 6, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sustainSec");
    }

    private static OfferedRateRecovery recovery(DoubleUnaryOperator capacity) {
        List<double[]> t = simulate(capacity);
        return OfferedRateRecovery.of(t.get(2), t.get(1), END);
    }

    /** Seconds from the fault until every record due before it is committed. */
    private static double catchUpSec(double faultSec, DoubleUnaryOperator capacity) {
        List<double[]> t = simulate(capacity);
        double latest = faultSec;
        for (int i = 0; i < t.get(0).length; i++) {
            if (t.get(0)[i] <= faultSec) {
                latest = Math.max(latest, t.get(1)[i]);
            }
        }
        return latest - faultSec;
    }

    /**
     * Records due at {@link #RATE} a second until {@link #END} minus 20 s, processed in order at {@code capacity(t)}
     * records a second, committed every {@link #COMMIT_EVERY} s: {due times, commit times} of the committed ones, and
     * the due times of all.
     */
    private static List<double[]> simulate(DoubleUnaryOperator capacity) {
        return simulate(capacity, (previous, n) -> previous + COMMIT_EVERY);
    }

    /** Commit instants: the next one after {@code previous}, the {@code n}th (from 0). */
    interface CommitRhythm {
        double next(double previous, int n);
    }

    private static List<double[]> simulate(DoubleUnaryOperator capacity, CommitRhythm rhythm) {
        double dt = 0.01;
        int offered = (int) ((END - 20) * RATE);
        List<Double> due = new ArrayList<>();
        List<Double> committed = new ArrayList<>();
        int processed = 0;
        int commitsDone = 0;
        double credit = 0;
        int commitNumber = 0;
        double nextCommit = rhythm.next(0, commitNumber);
        for (double t = 0; t < END; t += dt) {
            credit += capacity.applyAsDouble(t) * dt;
            while (credit >= 1 && processed < offered && processed / RATE <= t) {
                processed++;
                credit--;
            }
            credit = Math.min(credit, 1); // no banking of idle capacity
            if (t >= nextCommit) {
                for (int i = commitsDone; i < processed; i++) {
                    due.add(i / RATE);
                    committed.add(nextCommit);
                }
                commitsDone = processed;
                nextCommit = rhythm.next(nextCommit, ++commitNumber);
            }
        }
        return List.of(
                due.stream().mapToDouble(Double::doubleValue).toArray(),
                committed.stream().mapToDouble(Double::doubleValue).toArray(),
                IntStream.range(0, offered).mapToDouble(i -> i / RATE).toArray());
    }
}
