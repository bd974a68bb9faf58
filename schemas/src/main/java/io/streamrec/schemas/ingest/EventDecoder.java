package io.streamrec.schemas.ingest;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.validate.UserEventRules;
import io.streamrec.schemas.validate.ValidationLimits;
import java.time.Clock;

/**
 * The ingestion contract for the {@code events} topic: turns a Kafka record's key and value into
 * a valid, normalised {@link UserEvent}, or into every reason it is refused. Thread-safe, and it
 * never throws, whatever the bytes (null included).
 *
 * <p>A JSON event, as producers send it (optional fields may be left out or null):
 * <pre>{@code
 * {"eventId":"e-20231114-0001","userId":"u42","itemId":"i9001","eventType":"click",
 *  "timestamp":1700000000000,"sessionId":"s-77","leafCategoryId":"lc-12","categoryId":"c3",
 *  "shopId":"shop-5","brandId":"b-8","weight":1.0}
 * }</pre>
 *
 * <p>What a valid event looks like after decoding:
 * <ul>
 *   <li>ids are stripped of surrounding whitespace, otherwise verbatim (case kept); a blank optional
 *       id becomes null;</li>
 *   <li>{@code eventType} is the canonical lower-case name of its {@link io.streamrec.schemas.EventType},
 *       aliases resolved ({@code "PV"} becomes {@code "view"});</li>
 *   <li>{@code weight} stays null when absent (the type's default reward applies downstream).</li>
 * </ul>
 * Unknown fields are refused, not ignored: the product's rule is that they go to the dead-letter
 * topic. When the Kafka key is present it must equal the {@code userId}.
 *
 * <p>Not serializable: in a Flink function, keep the (serializable) {@link ValidationLimits} as a
 * field and build the decoder in {@code open()}. Refused records go to the dead-letter topic through
 * {@link io.streamrec.schemas.deadletter.DeadLetters#refused}.
 */
public final class EventDecoder extends ValidatingDecoder<UserEvent> {

    /** With the default limits and the system clock. */
    public EventDecoder(WireFormat format) {
        this(format, ValidationLimits.defaults(), Clock.systemUTC());
    }

    /** @param clock the "now" that event times may not run too far ahead of */
    public EventDecoder(WireFormat format, ValidationLimits limits, Clock clock) {
        super(
                format,
                limits,
                JsonCodecs.USER_EVENT,
                AvroBinaryCodec.of(UserEvent.class),
                new UserEventRules(limits, clock));
    }
}
