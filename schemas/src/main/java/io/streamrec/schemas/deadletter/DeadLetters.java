package io.streamrec.schemas.deadletter;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.validate.Violation;
import io.streamrec.schemas.validate.ViolationCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link DeadLetter} records of the {@code events-dlq} topic. Every refusal, whether at
 * decoding or later in the job ({@link #LATE}, {@link #DUPLICATE}), uses the one vocabulary of
 * {@link ViolationCode}.
 *
 * <p>{@code reason} is the first violation's stable {@link Violation#reason()} ({@code code} or
 * {@code code:field}, no detail), fit for grouping and alerting; {@code reasons} holds every
 * violation with its detail. The payload is kept byte for byte.
 */
public final class DeadLetters {

    /** Reason of an event older than the allowed lateness. */
    public static final String LATE = ViolationCode.LATE.wireName();

    /** Reason of an event whose {@code eventId} was already seen. */
    public static final String DUPLICATE = ViolationCode.DUPLICATE.wireName();

    private final Clock clock;

    /** @param clock stamps {@code deadLetteredAt} */
    public DeadLetters(Clock clock) {
        this.clock = clock;
    }

    /** A record refused at decoding, with every violation found. */
    public DeadLetter refused(
            List<Violation> violations, byte[] key, byte[] payload, String sourceTopic, int partition, long offset) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("A dead letter needs at least one violation saying why");
        }
        List<String> reasons = new ArrayList<>(violations.size());
        for (Violation v : violations) {
            reasons.add(v.toString());
        }
        return DeadLetter.newBuilder()
                .setReason(violations.get(0).reason())
                .setReasons(reasons)
                .setKey(key == null ? null : new String(key, StandardCharsets.UTF_8))
                .setPayload(ByteBuffer.wrap(payload == null ? new byte[0] : payload))
                .setSourceTopic(sourceTopic)
                .setPartition(partition)
                .setOffset(offset)
                .setDeadLetteredAt(clock.millis())
                .build();
    }

    /** A valid event that arrived after the allowed lateness. */
    public DeadLetter late(SourcedEvent event, long watermark) {
        return late(event, watermark, "the watermark");
    }

    /**
     * A valid event that can no longer be applied in event-time order because something at {@code bound}
     * already was; {@code what} names it for the reason, e.g. "the user's last applied event".
     */
    public DeadLetter late(SourcedEvent event, long bound, String what) {
        long behind = bound - event.getEvent().getTimestamp();
        return afterDecoding(
                event,
                Violation.of(
                        ViolationCode.LATE,
                        null,
                        "event time " + event.getEvent().getTimestamp() + " is " + behind + " ms behind " + what + " "
                                + bound));
    }

    /** A valid event whose {@code eventId} had already been applied. */
    public DeadLetter duplicate(SourcedEvent event) {
        return afterDecoding(
                event,
                Violation.of(
                        ViolationCode.DUPLICATE,
                        null,
                        "eventId " + Violation.quote(event.getEvent().getEventId()) + " was already applied"));
    }

    private DeadLetter afterDecoding(SourcedEvent event, Violation violation) {
        ByteBuffer payload = event.getPayload().duplicate();
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return refused(
                List.of(violation),
                event.getEvent().getUserId().getBytes(StandardCharsets.UTF_8),
                bytes,
                event.getSourceTopic(),
                event.getPartition(),
                event.getOffset());
    }
}
