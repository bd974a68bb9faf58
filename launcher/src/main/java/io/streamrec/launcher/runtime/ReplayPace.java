package io.streamrec.launcher.runtime;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When the replay sends its next event: as fast as the producer goes, in event time {@code speedup} times faster
 * than real time, or at a constant wall-clock rate. A constant rate is the offered load of a throughput benchmark:
 * the job either keeps up with it (its consumer lag stays bounded) or it does not, whatever the dataset's event
 * times say.
 */
public sealed interface ReplayPace {

    /** No pacing: events go out as fast as the producer accepts them. */
    ReplayPace AS_FAST_AS_POSSIBLE = new AsFastAsPossible();

    /** Event time advances {@code speedup} event seconds per wall second. */
    static ReplayPace eventTime(double speedup) {
        if (!(speedup > 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("--speedup must be a positive number (event seconds per wall"
                    + " second), got " + speedup + "; leave it out to replay as fast as possible");
        }
        return new EventTime(speedup);
    }

    /** {@code eventsPerSec} events every wall second, evenly spaced, whatever their event times. */
    static ReplayPace wallClockRate(double eventsPerSec) {
        if (!(eventsPerSec > 0) || Double.isInfinite(eventsPerSec)) {
            throw new IllegalArgumentException("--rate must be a positive number of events per second, got "
                    + eventsPerSec + "; leave it out to replay as fast as possible");
        }
        return new WallClockRate(eventsPerSec);
    }

    /**
     * The wall-clock offset, in nanoseconds from the start of the replay, at which the event number {@code sent}
     * (0-based), {@code eventOffsetMs} after the first event in event time, is due; 0 for "now".
     */
    long dueNanos(long sent, long eventOffsetMs);

    /** Sleeps until {@code dueNanos} after {@code startNanos}, or until {@code stopped} says so. */
    static void sleepUntil(long startNanos, long dueNanos, BooleanSupplier stopped) throws InterruptedException {
        long waitNanos;
        while ((waitNanos = startNanos + dueNanos - System.nanoTime()) > 0 && !stopped.getAsBoolean()) {
            // parkNanos, not sleep: gaps at thousands of events/s are sub-millisecond; capped so a stop is seen soon
            LockSupport.parkNanos(Math.min(waitNanos, 200_000_000L));
            if (Thread.interrupted()) {
                throw new InterruptedException("replay interrupted");
            }
        }
    }

    record AsFastAsPossible() implements ReplayPace {
        @Override
        public long dueNanos(long sent, long eventOffsetMs) {
            return 0;
        }
    }

    record EventTime(double speedup) implements ReplayPace {
        @Override
        public long dueNanos(long sent, long eventOffsetMs) {
            return (long) (eventOffsetMs * 1_000_000L / speedup);
        }
    }

    record WallClockRate(double eventsPerSec) implements ReplayPace {
        @Override
        public long dueNanos(long sent, long eventOffsetMs) {
            return (long) (sent * 1e9 / eventsPerSec);
        }
    }
}
