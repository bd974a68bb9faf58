package io.streamrec.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.validate.Violation;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroBinaryCodecTest {

    static Stream<SpecificRecord> everyRecordKind() {
        return Stream.of(
                Samples.event(),
                Samples.profile(),
                Samples.behavior("i1", 1L),
                Samples.snapshot(),
                Samples.trainingExample(),
                Samples.userVector(),
                Samples.deadLetter(new byte[] {1, 2, (byte) 0xFF}),
                Samples.modelUpdate(),
                Samples.sourced(Samples.event(), "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordKind")
    <T extends SpecificRecord> void roundTripsEveryRecordKind(T record) {
        @SuppressWarnings("unchecked")
        AvroBinaryCodec<T> codec = AvroBinaryCodec.of((Class<T>) record.getClass());

        byte[] bytes = codec.encode(record);

        assertThat(codec.decode(bytes)).isEqualTo(record).isNotSameAs(record);
    }

    @Test
    void refusesBytesAfterTheRecord() {
        AvroBinaryCodec<UserEvent> codec = AvroBinaryCodec.of(UserEvent.class);
        byte[] bytes = codec.encode(Samples.event());
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

        assertThatThrownBy(() -> codec.decode(padded))
                .isInstanceOf(CodecException.class)
                .extracting(e -> ((CodecException) e).violations().get(0).toString())
                .isEqualTo("trailing-data: 3 of " + padded.length + " bytes remain after a complete UserEvent");
    }

    @Test
    void refusesTruncatedRecords() {
        AvroBinaryCodec<UserEvent> codec = AvroBinaryCodec.of(UserEvent.class);
        byte[] bytes = codec.encode(Samples.event());

        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> codec.decode(prefix))
                    .isInstanceOf(CodecException.class)
                    .extracting(e -> ((CodecException) e).violations())
                    .asList()
                    .extracting(v -> ((Violation) v).reason())
                    .containsExactly("malformed-avro");
        }
    }

    @Test
    void refusesToEncodeARecordMissingARequiredField() {
        UserEvent incomplete = Samples.event();
        incomplete.setUserId(null);

        assertThatThrownBy(() -> AvroBinaryCodec.of(UserEvent.class).encode(incomplete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot encode UserEvent");
    }
}
