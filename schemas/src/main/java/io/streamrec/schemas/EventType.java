package io.streamrec.schemas;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The behaviour types streamrec accepts in {@code UserEvent.eventType}, each with the reward r_i it
 * carries when the event has no {@code weight}. Stronger intent earns a larger default reward.
 */
public enum EventType {
    VIEW(1.0),
    CLICK(1.0),
    RATE(1.0),
    FAV(2.0),
    CART(2.0),
    BUY(4.0);

    /** Other spellings seen in public datasets (Taobao UserBehavior writes `pv` for a page view). */
    private static final Map<String, EventType> ALIASES = Map.of(
            "pv", VIEW,
            "impression", VIEW,
            "favorite", FAV,
            "favourite", FAV,
            "purchase", BUY,
            "order", BUY,
            "rating", RATE);

    private final double defaultWeight;

    EventType(double defaultWeight) {
        this.defaultWeight = defaultWeight;
    }

    public double defaultWeight() {
        return defaultWeight;
    }

    /** The reward r_i of an event of this type: its own weight when it carries one, else this type's default. */
    public double rewardFor(Double weight) {
        return weight != null ? weight : defaultWeight;
    }

    /** The canonical lower-case wire name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name or alias, case-insensitively; empty when the type is unknown. */
    public static Optional<EventType> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String key = raw.trim().toLowerCase(Locale.ROOT);
        for (EventType t : values()) {
            if (t.wireName().equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.ofNullable(ALIASES.get(key));
    }
}
