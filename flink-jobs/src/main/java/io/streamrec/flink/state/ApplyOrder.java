package io.streamrec.flink.state;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * When user state applies an event, and so when its snapshot (and, downstream, its vector) leaves.
 *
 * <p>Both orders settle the same keyed state: once the watermark passes an event, the stored history is
 * the one the events give in (event time, arrival) order, so a checkpoint holds the same thing in either
 * mode and a restored run ends where an uninterrupted one does.
 */
public enum ApplyOrder {
    /**
     * Apply an event as it arrives when it is not older than the user's last applied event and emit its
     * snapshot at once. An older event still ahead of the watermark (within the allowed lateness) is
     * re-inserted in event-time order and the corrected state is emitted; one at or behind the watermark is
     * dead-lettered as {@code late}. The wait for the watermark (out-of-orderness plus watermark interval)
     * leaves the latency; a snapshot emitted before a straggler arrived is not taken back.
     */
    ARRIVAL("arrival"),
    /**
     * Hold each event until the watermark passes it, then apply each user's events in event-time order:
     * every snapshot and training example is exactly the one an in-order replay gives, at the price of
     * out-of-orderness plus watermark interval in latency.
     */
    EVENT_TIME("event-time");

    private final String optionValue;

    ApplyOrder(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The command-line spelling: {@code arrival} or {@code event-time}. */
    public String optionValue() {
        return optionValue;
    }

    /** Parses {@link #optionValue()} (case-insensitive; {@code event_time} also accepted). */
    public static ApplyOrder parse(String value) {
        String normal = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ApplyOrder order : values()) {
            if (order.optionValue.equals(normal)) {
                return order;
            }
        }
        throw new IllegalArgumentException("apply order '" + value + "' is not one of "
                + Arrays.stream(values()).map(ApplyOrder::optionValue).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return optionValue;
    }
}
