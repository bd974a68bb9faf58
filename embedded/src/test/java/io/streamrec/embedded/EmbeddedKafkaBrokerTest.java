package io.streamrec.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void recordsProducedAreConsumedBackInOrderPerKey() throws Exception {
        kafka.createTopics(new NewTopic("produce-consume", 3, (short) 1));
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 200; i++) {
                String value = "user-" + (i % 7) + ":" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>("produce-consume", "user-" + (i % 7), value))
                        .get();
            }
        }

        List<ConsumerRecord<String, String>> received = consumeAll("produce-consume", sent.size());

        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        // one key, one partition: the per-user order the job relies on
        for (int user = 0; user < 7; user++) {
            String key = "user-" + user;
            assertThat(received.stream()
                            .filter(r -> r.key().equals(key))
                            .map(ConsumerRecord::partition)
                            .distinct())
                    .hasSize(1);
            assertThat(received.stream().filter(r -> r.key().equals(key)).map(ConsumerRecord::value))
                    .containsExactlyElementsOf(
                            sent.stream().filter(v -> v.startsWith(key + ":")).toList());
        }
    }

    @Test
    void createsCompactedTopicsWithTheirPartitionsAndLeavesExistingOnesAlone() throws Exception {
        List<String> created = kafka.createTopics(
                new NewTopic("latest-per-key", 2, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic("plain", 1, (short) 1));
        List<String> createdAgain = kafka.createTopics(new NewTopic("latest-per-key", 2, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));

        assertThat(created).containsExactlyInAnyOrder("latest-per-key", "plain");
        assertThat(createdAgain).isEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.describeTopics(Set.of("latest-per-key"))
                            .allTopicNames()
                            .get()
                            .get("latest-per-key")
                            .partitions())
                    .hasSize(2);
            ConfigResource compacted = new ConfigResource(ConfigResource.Type.TOPIC, "latest-per-key");
            ConfigResource plain = new ConfigResource(ConfigResource.Type.TOPIC, "plain");
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(compacted, plain)).all().get();
            assertThat(configs.get(compacted)
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                            .value())
                    .isEqualTo("compact");
            assertThat(configs.get(plain).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .isEqualTo("delete");
        }
    }

    @Test
    void theClientListenerIsOnLoopbackUnlessABindAddressOpensItWhileTheControllerStaysOnLoopback() {
        assumeTrue(ListeningSockets.available(), "reads this JVM's sockets from Linux /proc");
        int loopbackPort = Integer.parseInt(kafka.bootstrapServers().split(":")[1]);
        assertThat(ListeningSockets.ofThisJvm()).anySatisfy(l -> {
            assertThat(l.port()).isEqualTo(loopbackPort);
            assertThat(l.loopback()).isTrue();
        });
        List<ListeningSockets.Listener> before = ListeningSockets.ofThisJvm();

        try (EmbeddedKafkaBroker open =
                EmbeddedKafkaBroker.builder().bindAddress("0.0.0.0").start()) {
            int port = Integer.parseInt(
                    open.bootstrapServers().substring(open.bootstrapServers().lastIndexOf(':') + 1));
            List<ListeningSockets.Listener> opened = new ArrayList<>(ListeningSockets.ofThisJvm());
            opened.removeAll(before);

            assertThat(open.bootstrapServers())
                    .as("clients are told a reachable name")
                    .doesNotStartWith("0.0.0.0");
            assertThat(opened)
                    .anySatisfy(l -> {
                        assertThat(l.port()).isEqualTo(port);
                        assertThat(l.wildcard()).isTrue();
                    })
                    .anySatisfy(l -> {
                        assertThat(l.port()).isNotEqualTo(port);
                        assertThat(l.loopback()).as("the controller").isTrue();
                    });
        }
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsTemporaryFolder() {
        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start();
        Path dir = second.dataDir();
        assertThat(Files.exists(dir.resolve("logs"))).isTrue();

        second.close();
        second.close();

        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void aBrokerWithADataFolderKeepsItsTopicsAcrossRestarts(@TempDir Path dataDir) throws Exception {
        try (EmbeddedKafkaBroker first =
                EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            first.createTopics(new NewTopic("kept", 1, (short) 1));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()),
                    new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "v")).get();
            }
        }
        assertThat(dataDir)
                .isDirectoryContaining(p -> p.getFileName().toString().equals("logs"));

        try (EmbeddedKafkaBroker second =
                EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
            assertThat(second.createTopics(new NewTopic("kept", 1, (short) 1))).isEmpty();
            assertThat(consumeAll(second, "kept", 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("v");
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String topic, int expected) {
        return consumeAll(kafka, topic, expected);
    }

    private static List<ConsumerRecord<String, String>> consumeAll(
            EmbeddedKafkaBroker broker, String topic, int expected) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + topic,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }
}
