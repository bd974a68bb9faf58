package io.streamrec.schemas;

import java.util.HashMap;
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

    /** Wire names and aliases, looked up once per decoded event: built once rather than lower-casing each constant per call. */
    private static final Map<String, EventType> BY_NAME = byName();

    private final double defaultWeight;
    private final String wireName;

    EventType(double defaultWeight) {
        this.defaultWeight = defaultWeight;
        this.wireName = name().toLowerCase(Locale.ROOT);
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
        return wireName;
    }

    /** Parses a wire name or alias, case-insensitively; empty when the type is unknown. */
    public static Optional<EventType> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_NAME.get(raw.trim().toLowerCase(Locale.ROOT)));
    }

    private static Map<String, EventType> byName() {
        Map<String, EventType> names = new HashMap<>(ALIASES);
        for (EventType t : values()) {
            names.put(t.wireName, t);
        }
        return Map.copyOf(names);
    }
}
