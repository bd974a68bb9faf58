package io.streamrec.schemas.ingest;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.validate.ValidationLimits;
import io.streamrec.schemas.validate.Violation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileDecoderTest {

    private final ProfileDecoder json =
            new ProfileDecoder(WireFormat.JSON, ValidationLimits.defaults().withMaxProfileFeatures(3), Samples.CLOCK);

    @Test
    void decodesANaturalJsonProfile() {
        byte[] value = utf8("{\"userId\":\"u1\",\"features\":{\"gender\":\"F\",\"age\":\"25-34\"},"
                + "\"updatedAt\":1700000000000}");

        assertThat(json.decode(utf8("u1"), value).value()).isEqualTo(Samples.profile());
    }

    @Test
    void stripsFeatureNamesAndValues() {
        byte[] value = utf8("{\"userId\":\"u1\",\"features\":{\" age \":\" 25-34\"},\"updatedAt\":1700000000000}");

        assertThat(json.decode(null, value).value().getFeatures()).isEqualTo(Map.of("age", "25-34"));
    }

    @Test
    void reportsEveryFaultOfAProfile() {
        byte[] value = utf8("{\"userId\":\"u1\",\"features\":{\"age\":\"25-34\",\"age\":\"35-44\",\"gender\":null,"
                + "\"city\":7,\"zip\":\" \",\"\\u0001\":\"x\"},\"updatedAt\":1700000000000.0,\"extra\":true}");

        assertThat(json.decode(utf8("u2"), value).violations())
                .extracting(Violation::reason)
                .containsExactlyInAnyOrder(
                        "duplicate-field:features.age",
                        "null-field:features.gender",
                        "wrong-type:features.city",
                        "not-an-integer:updatedAt",
                        "unknown-field:extra",
                        "empty-field:features.zip",
                        "invalid-characters:features",
                        "key-mismatch:key");
    }

    @Test
    void boundsTheNumberOfFeatures() {
        byte[] value = utf8("{\"userId\":\"u1\",\"features\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"},"
                + "\"updatedAt\":1700000000000}");

        assertThat(json.decode(null, value).violations())
                .extracting(Violation::toString)
                .containsExactly("too-many-features:features: 4 > 3");
    }

    @Test
    void appliesTheSameRulesToAvro() {
        ProfileDecoder avro = new ProfileDecoder(WireFormat.AVRO, ValidationLimits.defaults(), Samples.CLOCK);
        UserProfile future = Samples.profile();
        future.setUpdatedAt(Samples.NOW + 90_000_000L);

        assertThat(avro.decode(null, AvroBinaryCodec.of(UserProfile.class).encode(future))
                        .violations())
                .extracting(Violation::reason)
                .containsExactly("timestamp-in-future:updatedAt");
        assertThat(avro.decode(null, AvroBinaryCodec.of(UserProfile.class).encode(Samples.profile()))
                        .value())
                .isEqualTo(Samples.profile());
    }
}
