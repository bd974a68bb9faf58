package io.streamrec.launcher.runtime;

import io.streamrec.schemas.UserEvent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;

/**
 * Replays events into Kafka, keyed by userId, in the order given (event time), paced by a {@link ReplayPace}: as
 * fast as the producer goes, in event time {@code speedup} times faster than wall time, or at a constant wall-clock
 * rate.
 */
public final class EventReplayer {

    private final Function<UserEvent, byte[]> encoder;
    private final ReplayPace pace;
    private final Optional<Long> limit;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * @param speedup event-time seconds per wall second; empty replays as fast as possible
     * @param limit most events to send; empty sends all
     */
    public EventReplayer(Function<UserEvent, byte[]> encoder, Optional<Double> speedup, Optional<Long> limit) {
        this(encoder, speedup.map(ReplayPace::eventTime).orElse(ReplayPace.AS_FAST_AS_POSSIBLE), limit);
    }

    /** @param limit most events to send; empty sends all */
    public EventReplayer(Function<UserEvent, byte[]> encoder, ReplayPace pace, Optional<Long> limit) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.pace = Objects.requireNonNull(pace, "pace");
        this.limit = limit;
    }

    /** How the events are paced. */
    public ReplayPace pace() {
        return pace;
    }

    /** Asks a running {@link #replay} to stop after the current event. */
    public void stop() {
        stopped.set(true);
    }

    /** Sends the events and waits for Kafka to acknowledge them; returns how many were sent. */
    public long replay(Stream<UserEvent> events, RecordSender sender) throws InterruptedException {
        return replay(events, sender, (eventId, epochMillis) -> {});
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
            if (firstEventTime == Long.MIN_VALUE) {
                firstEventTime = event.getTimestamp();
            }
            ReplayPace.sleepUntil(wallStart, pace.dueNanos(sent, event.getTimestamp() - firstEventTime), stopped::get);
            if (stopped.get()) {
                break;
            }
            onSent.accept(event.getEventId(), System.currentTimeMillis());
            sender.send(
                    event.getUserId().getBytes(StandardCharsets.UTF_8),
                    encoder.apply(event),
                    "event " + event.getEventId());
            sent++;
        }
        sender.flushAndCheck();
        return sent;
    }
}
