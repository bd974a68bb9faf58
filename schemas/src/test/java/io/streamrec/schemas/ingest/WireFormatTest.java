package io.streamrec.schemas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void parsesConfiguredNamesInAnyCase() {
        assertThat(WireFormat.parse("json")).isEqualTo(WireFormat.JSON);
        assertThat(WireFormat.parse(" AVRO ")).isEqualTo(WireFormat.AVRO);
    }

    @Test
    void refusesOtherNamesListingTheAcceptedOnes() {
        assertThatThrownBy(() -> WireFormat.parse("protobuf"))
                .hasMessage("Unknown wire format 'protobuf'; use one of [json, avro].");
        assertThatThrownBy(() -> WireFormat.parse(null)).hasMessageStartingWith("Unknown wire format 'null'");
    }
}
