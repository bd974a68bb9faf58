package io.streamrec.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.UserEvent;
import org.junit.jupiter.api.Test;

class BehaviorsTest {

    @Test
    void copiesTheItemAndItsSideInformation() {
        UserEvent event = TestEvents.view("u1", "e1", "i1", 42L)
                .setSessionId("s1")
                .setLeafCategoryId("leaf")
                .setShopId("shop")
                .setBrandId("brand")
                .build();

        Behavior b = Behaviors.from(event);

        assertThat(b.getEventId()).isEqualTo("e1");
        assertThat(b.getItemId()).isEqualTo("i1");
        assertThat(b.getTimestamp()).isEqualTo(42L);
        assertThat(b.getSessionId()).isEqualTo("s1");
        assertThat(b.getLeafCategoryId()).isEqualTo("leaf");
        assertThat(b.getCategoryId()).isEqualTo("c-i1");
        assertThat(b.getShopId()).isEqualTo("shop");
        assertThat(b.getBrandId()).isEqualTo("brand");
    }

    @Test
    void weightDefaultsByEventTypeAndTheTypeIsCanonical() {
        Behavior purchase = Behaviors.from(
                TestEvents.view("u1", "e1", "i1", 1L).setEventType("Purchase").build());

        assertThat(purchase.getEventType()).isEqualTo("buy");
        assertThat(purchase.getWeight()).isEqualTo(4.0);
    }

    @Test
    void anExplicitWeightWins() {
        Behavior b = Behaviors.from(TestEvents.view("u1", "e1", "i1", 1L)
                .setEventType("buy")
                .setWeight(0.5)
                .build());

        assertThat(b.getWeight()).isEqualTo(0.5);
    }

    @Test
    void anUnknownTypeIsRefusedWithAHint() {
        UserEvent event =
                TestEvents.view("u1", "e1", "i1", 1L).setEventType("teleport").build();

        assertThatThrownBy(() -> Behaviors.from(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown eventType 'teleport'")
                .hasMessageContaining("validate events");
    }
}
