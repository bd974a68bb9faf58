package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorLatencyTest {

    @Test
    void readsTheEventIdOfAnEncodedVectorWithoutDecodingTheRest() throws Exception {
        UserVector vector = UserVector.newBuilder()
                .setUserId("u42")
                .setModelName("sdm")
                .setModelVersion(7)
                .setEventTime(1_700_000_000_000L)
                .setEventId("syn-123456")
                .setInterests(List.of(List.of(0.5f, -1f)))
                .setVector(List.of(0.25f, 2f))
                .build();

        byte[] bytes = AvroBinaryCodec.of(UserVector.class).encode(vector);

        assertThat(VectorLatency.eventIdOf(bytes)).isEqualTo("syn-123456");
    }

    @Test
    void theSchemaStillHasEventIdWhereTheReaderLooksForIt() {
        assertThatCode(VectorLatency::checkEventIdPosition).doesNotThrowAnyException();
    }
}
