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
        double dt = 0.01;
        int offered = (int) ((END - 20) * RATE);
        List<Double> due = new ArrayList<>();
        List<Double> committed = new ArrayList<>();
        int processed = 0;
        int commitsDone = 0;
        double credit = 0;
        double nextCommit = COMMIT_EVERY;
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
                nextCommit += COMMIT_EVERY;
            }
        }
        return List.of(
                due.stream().mapToDouble(Double::doubleValue).toArray(),
                committed.stream().mapToDouble(Double::doubleValue).toArray(),
                IntStream.range(0, offered).mapToDouble(i -> i / RATE).toArray());
    }
}
