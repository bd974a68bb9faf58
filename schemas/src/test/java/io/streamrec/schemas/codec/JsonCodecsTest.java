package io.streamrec.schemas.codec;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.Samples;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.UserVector;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonCodecsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void writesAnEventInItsNaturalShape() throws Exception {
        JsonNode json = MAPPER.readTree(JsonCodecs.USER_EVENT.encode(Samples.event()));

        assertThat(json)
                .isEqualTo(MAPPER.readTree("{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\","
                        + "\"eventType\":\"click\",\"timestamp\":1700000000000,\"categoryId\":\"c3\",\"weight\":1.0}"));
    }

    @Test
    void roundTripsEvents() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            UserEvent event = Samples.randomEvent(random);
            assertThat(JsonCodecs.USER_EVENT.decode(JsonCodecs.USER_EVENT.encode(event)))
                    .isEqualTo(event);
        }
    }

    @Test
    void roundTripsProfiles() {
        UserProfile profile = Samples.profile();

        assertThat(JsonCodecs.USER_PROFILE.decode(JsonCodecs.USER_PROFILE.encode(profile)))
                .isEqualTo(profile);
    }

    @Test
    void readsNullAndAbsentOptionalsAlike() {
        UserEvent withNulls =
                JsonCodecs.USER_EVENT.decode(utf8("{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\","
                        + "\"eventType\":\"click\",\"timestamp\":1700000000000,\"categoryId\":\"c3\",\"weight\":1.0,"
                        + "\"sessionId\":null,\"brandId\":null}"));

        assertThat(withNulls).isEqualTo(Samples.event());
    }

    @Test
    void decodeListsEveryShapeFault() {
        assertThatThrownBy(() -> JsonCodecs.USER_EVENT.decode(utf8("{\"userId\":1,\"x\":2}")))
                .isInstanceOf(CodecException.class)
                .hasMessage("Cannot decode UserEvent: [wrong-type:userId: expected a string, found a number, "
                        + "unknown-field:x, missing-field:eventId, missing-field:itemId, missing-field:eventType, "
                        + "missing-field:timestamp]");
    }

    @Test
    void writesDeadLettersWithPayloadAsBase64AndText() throws Exception {
        byte[] payload = utf8("{\"userId\":\"ü\"}");
        DeadLetter letter = Samples.deadLetter(payload);

        JsonNode json = MAPPER.readTree(JsonCodecs.DEAD_LETTER.encode(letter));

        assertThat(json.get("payload").asText()).isEqualTo(Base64.getEncoder().encodeToString(payload));
        assertThat(json.get("payloadText").asText()).isEqualTo("{\"userId\":\"ü\"}");
        assertThat(json.has("key")).as("a null key is left out").isFalse();
        assertThat(json.get("reasons").get(0).asText()).isEqualTo("missing-field:userId");
        assertThat(json.get("offset").asLong()).isEqualTo(42);
        assertThat(letter.getPayload().remaining())
                .as("the record's buffer is not consumed")
                .isEqualTo(payload.length);
    }

    @Test
    void leavesOutTheTextOfABinaryPayload() throws Exception {
        byte[] binary = {(byte) 0xFF, 0, 1};

        JsonNode json = MAPPER.readTree(JsonCodecs.DEAD_LETTER.encode(Samples.deadLetter(binary)));

        assertThat(Base64.getDecoder().decode(json.get("payload").asText())).isEqualTo(binary);
        assertThat(json.has("payloadText")).isFalse();
    }

    @Test
    void writesUserVectorsAsPlainNumberArrays() throws Exception {
        UserVector vector = Samples.userVector();

        JsonNode json = MAPPER.readTree(JsonCodecs.USER_VECTOR.encode(vector));

        assertThat(json.get("modelVersion").asLong()).isEqualTo(12);
        assertThat(json.get("interests").size()).isEqualTo(1);
        for (int i = 0; i < vector.getVector().size(); i++) {
            assertThat(json.get("vector").get(i).floatValue())
                    .isEqualTo(vector.getVector().get(i));
            assertThat(json.get("interests").get(0).get(i).floatValue())
                    .isEqualTo(vector.getInterests().get(0).get(i));
        }
    }

    @Test
    void writesSnapshotsAndTrainingExamplesWithoutUnionWrapping() throws Exception {
        FeatureSnapshot snapshot = Samples.snapshot();
        TrainingExample example = Samples.trainingExample();

        JsonNode snapshotJson = MAPPER.readTree(JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot));
        JsonNode exampleJson = MAPPER.readTree(JsonCodecs.TRAINING_EXAMPLE.encode(example));

        assertThat(snapshotJson.get("session").get(1).get("itemId").asText()).isEqualTo("i2");
        assertThat(snapshotJson.get("session").get(0).get("categoryId").asText())
                .as("no {\"string\":...}")
                .isEqualTo("c3");
        assertThat(snapshotJson.get("longTerm").get("brand").get(0).asText()).isEqualTo("b2");
        assertThat(snapshotJson.get("profile").get("age").asText()).isEqualTo("25-34");
        assertThat(snapshotJson.get("sessionsClosed").asLong()).isEqualTo(3);
        assertThat(exampleJson.get("context")).isEqualTo(snapshotJson);
        assertThat(exampleJson.get("target").get("itemId").asText()).isEqualTo("i3");
        assertThat(exampleJson.get("target").get("weight").asDouble()).isEqualTo(1.0);
    }
}
