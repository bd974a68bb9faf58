package io.streamrec.flink.runtime;

import io.streamrec.schemas.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

/**
 * Replays events into Kafka, keyed by userId, in the order given (event time). As fast as the
 * producer goes, or paced so that event time advances {@code speedup} times faster than wall time.
 */
public final class EventReplayer {

    private final Function<UserEvent, byte[]> encoder;
    private final Optional<Double> speedup;
    private final Optional<Long> limit;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * @param speedup event-time seconds per wall second; empty replays as fast as possible
     * @param limit most events to send; empty sends all
     */
    public EventReplayer(Function<UserEvent, byte[]> encoder, Optional<Double> speedup, Optional<Long> limit) {
        speedup.ifPresent(s -> {
            if (!(s > 0) || s.isInfinite()) {
                throw new IllegalArgumentException("--speedup must be a positive number (event seconds per wall"
                        + " second), got " + s + "; leave it out to replay as fast as possible");
            }
        });
        this.encoder = encoder;
        this.speedup = speedup;
        this.limit = limit;
    }

    /** Asks a running {@link #replay} to stop after the current event. */
    public void stop() {
        stopped.set(true);
    }

    /** Sends the events and waits for Kafka to acknowledge them; returns how many were sent. */
    public long replay(Stream<UserEvent> events, RecordSender sender) throws InterruptedException {
        return replay(events, sender, (eventId, epochMillis) -> { });
    }

    /** As {@link #replay(Stream, RecordSender)}, telling {@code onSent} each event's id and wall-clock send time. */
    public long replay(Stream<UserEvent> events, RecordSender sender, ObjLongConsumer<String> onSent)
            throws InterruptedException {
        long wallStart = System.nanoTime();
        long firstEventTime = Long.MIN_VALUE;
        long sent = 0;
        long max = limit.orElse(Long.MAX_VALUE);
        Iterator<UserEvent> it = events.iterator();
        while (it.hasNext() && sent < max && !stopped.get()) {
            UserEvent event = it.next();
            if (speedup.isPresent()) {
                if (firstEventTime == Long.MIN_VALUE) {
                    firstEventTime = event.getTimestamp();
                }
                waitUntilDue(wallStart, event.getTimestamp() - firstEventTime, speedup.get());
            }
            onSent.accept(event.getEventId(), System.currentTimeMillis());
            sender.send(event.getUserId().getBytes(StandardCharsets.UTF_8), encoder.apply(event));
            sent++;
        }
        sender.flushAndCheck();
        return sent;
    }

    private void waitUntilDue(long wallStart, long eventOffsetMs, double speedup) throws InterruptedException {
        long dueNanos = wallStart + (long) (eventOffsetMs * 1_000_000L / speedup);
        long waitNanos;
        while ((waitNanos = dueNanos - System.nanoTime()) > 0 && !stopped.get()) {
            Thread.sleep(Math.min(waitNanos / 1_000_000L + 1, 200));
        }
    }
}
