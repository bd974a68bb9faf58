package io.streamrec.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelVersionsTest {

    @Test
    void versionsIncreaseRememberTheirStepAndNeverGoBelowAFloor() {
        ModelVersions versions = new ModelVersions();
        assertThat(versions.next(5)).isEqualTo(1);
        versions.startAfter(41);
        assertThat(versions.next(9)).isEqualTo(42);
        versions.startAfter(10);
        assertThat(versions.next(12)).isEqualTo(43);
        assertThat(versions.stepAt(42)).isEqualTo(9);

        versions.forgetBefore(42);
        assertThatThrownBy(() -> versions.stepAt(1)).hasMessageContaining("publish a FULL update");
        assertThat(versions.stepAt(43)).isEqualTo(12);
    }
}
