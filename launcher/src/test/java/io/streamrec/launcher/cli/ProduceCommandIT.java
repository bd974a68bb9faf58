package io.streamrec.launcher.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.it.KafkaBrokerExtension;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.ingest.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamrec produce} against a real embedded broker. */
class ProduceCommandIT {

    @RegisterExtension
    static final KafkaBrokerExtension kafka = new KafkaBrokerExtension();

    @Test
    void deliversEveryLineByteForByteInOrderWithKeysFromTheKeyField(@TempDir Path dir) throws Exception {
        kafka.createTopics(TopicSpec.of("raw-keyed", 1));
        List<byte[]> expected = List.of(
                "{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\",\"eventType\":\"click\",\"timestamp\":1700000000000}"
                        .getBytes(UTF_8),
                "{\"userId\":\"u2\",".getBytes(UTF_8),
                new byte[0],
                new byte[] {'{', '"', 'u', '"', ':', (byte) 0xC3, (byte) 0x28, '}'},
                "  {\"userId\" : \"u3\"}  \t".getBytes(UTF_8),
                ("{\"userId\":\"u4\",\"pad\":\"" + "x".repeat(2_000_000) + "\"}").getBytes(UTF_8),
                "\u0000\u0001 not json".getBytes(UTF_8));
        Path file = dir.resolve("input.jsonl");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < expected.size(); i++) {
            content.writeBytes(expected.get(i));
            content.writeBytes(i == 2 ? "\r\n".getBytes(UTF_8) : "\n".getBytes(UTF_8));
        }
        Files.write(file, content.toByteArray());

        StringWriter out = new StringWriter();
        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        "raw-keyed",
                        "--raw",
                        file.toString(),
                        "--key-field",
                        "userId");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Sent 7 lines").contains("7 acknowledged");
        List<ConsumerRecord<byte[], byte[]>> records = consume("raw-keyed", expected.size());
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        assertThat(records)
                .extracting(r -> r.key() == null ? null : new String(r.key(), UTF_8))
                .containsExactly("u1", null, null, null, "u3", "u4", null);
    }

    @Test
    void linesTooLargeForTheTopicAreReportedWithTheirNumberAndCountedWhileTheOthersAreWritten(@TempDir Path dir)
            throws Exception {
        kafka.createTopics(TopicSpec.of("raw-small", 1).withMaxMessageBytes(1024));
        List<String> lines = List.of("first", "x".repeat(5_000), "third", "y".repeat(3_000), "fifth");
        Path file = Files.writeString(dir.resolve("in.txt"), String.join("\n", lines) + "\n");

        StringWriter out = new StringWriter();
        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        "raw-small",
                        "--raw",
                        file.toString());

        String printed = out.toString();
        assertThat(exit).as(printed).isEqualTo(ProduceCommand.RECORDS_REFUSED_EXIT_CODE);
        assertThat(printed.lines().filter(l -> l.contains(" was refused: ")))
                .as(printed)
                .hasSize(2)
                .anyMatch(l -> l.startsWith("line 2 was refused: RecordTooLargeException: the record is 5,"))
                .anyMatch(l -> l.startsWith("line 4 was refused: RecordTooLargeException: the record is 3,"));
        assertThat(printed)
                .contains("Sent 5 lines of " + file + " to topic 'raw-small' at " + kafka.bootstrapServers()
                        + ": 3 written, 2 refused (each reported above)");
        assertThat(consume("raw-small", 3))
                .extracting(r -> new String(r.value(), UTF_8))
                .containsExactly("first", "third", "fifth");
    }

    @Test
    void aLineTheBrokerRefusesIsReportedWithItsNumberAndTheBrokersReasonAndItsBatchNeighboursAreWritten(
            @TempDir Path dir) throws Exception {
        kafka.createTopics(TopicSpec.compacted("raw-compacted", 1));
        Path file = Files.writeString(
                dir.resolve("in.jsonl"), "{\"userId\":\"u1\"}\nno key on this line\n{\"userId\":\"u2\"}\n");

        StringWriter out = new StringWriter();
        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        "raw-compacted",
                        "--raw",
                        file.toString(),
                        "--key-field",
                        "userId");

        String printed = out.toString();
        assertThat(exit).as(printed).isEqualTo(ProduceCommand.RECORDS_REFUSED_EXIT_CODE);
        assertThat(printed.lines().filter(l -> l.contains(" was refused: ")))
                .as(printed)
                .containsExactly("line 2 was refused: InvalidRecordException: Compacted topic cannot accept message"
                        + " without key in topic partition raw-compacted-0");
        assertThat(printed).contains(": 2 written, 1 refused (each reported above)");
        assertThat(consume("raw-compacted", 2))
                .extracting(r -> new String(r.value(), UTF_8))
                .containsExactly("{\"userId\":\"u1\"}", "{\"userId\":\"u2\"}");
    }

    @Test
    void withoutKeyFieldRecordsHaveNoKey(@TempDir Path dir) throws Exception {
        kafka.createTopics(TopicSpec.of("raw-unkeyed", 1));
        Path file = Files.writeString(dir.resolve("in.txt"), "{\"userId\":\"u1\"}\nplain\n");

        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        "raw-unkeyed",
                        "--raw",
                        file.toString());

        assertThat(exit).isZero();
        assertThat(consume("raw-unkeyed", 2))
                .allSatisfy(r -> assertThat(r.key()).isNull())
                .extracting(r -> new String(r.value(), UTF_8))
                .containsExactly("{\"userId\":\"u1\"}", "plain");
    }

    @Test
    void replaysASyntheticDatasetKeyedByUserInEventTimeOrderAsJsonAndAvro() throws Exception {
        SyntheticDataset expected = new SyntheticDataset(
                SyntheticOptions.defaults().withSize(50, 100, 300).withSeed(7));
        List<UserEvent> events;
        try (Stream<UserEvent> stream = expected.events()) {
            events = stream.toList();
        }
        for (WireFormat format : WireFormat.values()) {
            String topic = "replay-" + format;
            kafka.createTopics(TopicSpec.of(topic, 1));
            StringWriter out = new StringWriter();

            int exit = StreamrecCommand.commandLine()
                    .setOut(new PrintWriter(out, true))
                    .execute(
                            "produce",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--topic",
                            topic,
                            "--synthetic",
                            "--synthetic-users",
                            "50",
                            "--synthetic-items",
                            "100",
                            "--synthetic-events",
                            "300",
                            "--seed",
                            "7",
                            "--format",
                            format.name().toLowerCase(java.util.Locale.ROOT));

            assertThat(exit).isZero();
            assertThat(out.toString()).contains("Sent 300 " + format + " events");
            List<ConsumerRecord<byte[], byte[]>> records = consume(topic, events.size());
            assertThat(records)
                    .extracting(r -> new String(r.key(), UTF_8))
                    .containsExactlyElementsOf(
                            events.stream().map(UserEvent::getUserId).toList());
            java.util.function.Function<byte[], UserEvent> decode = format == WireFormat.JSON
                    ? JsonCodecs.USER_EVENT::decode
                    : AvroBinaryCodec.of(UserEvent.class)::decode;
            assertThat(records).extracting(r -> decode.apply(r.value())).containsExactlyElementsOf(events);
        }
    }

    @Test
    void limitStopsTheReplayAfterThatManyEvents() throws Exception {
        kafka.createTopics(TopicSpec.of("replay-limited", 1));
        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        "replay-limited",
                        "--limit",
                        "25");
        assertThat(exit).isZero();
        assertThat(consume("replay-limited", 26))
                .hasSize(25)
                .extracting(r -> JsonCodecs.USER_EVENT.decode(r.value()).getEventType())
                .containsOnly("rate");
    }

    static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        16 * 1024 * 1024),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }
}
