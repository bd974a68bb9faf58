package io.streamrec.flink.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.embedded.EmbeddedKafkaBroker;
import io.streamrec.flink.job.TopicSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamrec produce --raw} against a real embedded broker. */
class ProduceRawCommandIT {

    static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

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
        int exit = StreamrecCommand.commandLine().setOut(new PrintWriter(out, true)).execute(
                "produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "raw-keyed",
                "--raw", file.toString(), "--key-field", "userId");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Sent 7 lines").contains("7 acknowledged");
        List<ConsumerRecord<byte[], byte[]>> records = consume("raw-keyed", expected.size());
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(expected);
        assertThat(records).extracting(r -> r.key() == null ? null : new String(r.key(), UTF_8))
                .containsExactly("u1", null, null, null, "u3", "u4", null);
    }

    @Test
    void withoutKeyFieldRecordsHaveNoKey(@TempDir Path dir) throws Exception {
        kafka.createTopics(TopicSpec.of("raw-unkeyed", 1));
        Path file = Files.writeString(dir.resolve("in.txt"), "{\"userId\":\"u1\"}\nplain\n");

        int exit = StreamrecCommand.commandLine().setOut(new PrintWriter(new StringWriter())).execute(
                "produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "raw-unkeyed",
                "--raw", file.toString());

        assertThat(exit).isZero();
        assertThat(consume("raw-unkeyed", 2)).allSatisfy(r -> assertThat(r.key()).isNull())
                .extracting(r -> new String(r.value(), UTF_8)).containsExactly("{\"userId\":\"u1\"}", "plain");
    }

    static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
