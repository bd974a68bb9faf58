package io.streamrec.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the job wrote, parsed for assertions. */
final class JobOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A dead letter as read back from the DLQ topic. */
    record DeadLetterSeen(MovieLensScenario.Landed source, String reason, String key) {
        /** The reason code, without its field ({@code missing-field:itemId} → {@code missing-field}). */
        String code() {
            int colon = reason.indexOf(':');
            return colon < 0 ? reason : reason.substring(0, colon);
        }
    }

    private JobOutput() {}

    static List<DeadLetterSeen> deadLetters(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> {
                    JsonNode letter = parse(r.value());
                    return new DeadLetterSeen(
                            new MovieLensScenario.Landed(
                                    letter.get("partition").asInt(),
                                    letter.get("offset").asLong()),
                            letter.get("reason").asText(),
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
                })
                .toList();
    }

    /** The last snapshot of each user (the topic is keyed by userId, so one partition holds a user's order). */
    static Map<String, JsonNode> lastSnapshotPerUser(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, byte[]> last = new HashMap<>();
        records.forEach(r -> last.put(new String(r.key(), StandardCharsets.UTF_8), r.value()));
        Map<String, JsonNode> parsed = new HashMap<>();
        last.forEach((user, json) -> parsed.put(user, parse(json)));
        return parsed;
    }

    static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }
}
