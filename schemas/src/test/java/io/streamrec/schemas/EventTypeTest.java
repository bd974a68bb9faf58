package io.streamrec.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTypeTest {

    @Test
    void parsesWireNamesAndAliasesCaseInsensitively() {
        assertThat(EventType.parse("click")).contains(EventType.CLICK);
        assertThat(EventType.parse(" BUY ")).contains(EventType.BUY);
        assertThat(EventType.parse("pv")).contains(EventType.VIEW);
        assertThat(EventType.parse("Favourite")).contains(EventType.FAV);
        assertThat(EventType.parse("teleport")).isEmpty();
        assertThat(EventType.parse(null)).isEmpty();
    }

    @Test
    void wireNamesAreLowerCaseNames() {
        for (EventType t : EventType.values()) {
            assertThat(t.wireName()).isEqualTo(t.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(EventType.parse(t.wireName())).contains(t);
        }
    }

    @Test
    void rewardIsTheWeightOrTheTypeDefault() {
        assertThat(EventType.BUY.rewardFor(null)).isEqualTo(4.0);
        assertThat(EventType.BUY.rewardFor(0.5)).isEqualTo(0.5);
        assertThat(EventType.VIEW.rewardFor(null)).isLessThan(EventType.CART.rewardFor(null));
    }
}
