package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.OptionTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaAccessTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"streamrec\" password=\"s3cr3t-pw\";";

    private static Map<String, String> secured() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", JAAS);
        p.put("ssl.truststore.location", "/etc/kafka/truststore.p12");
        p.put("ssl.truststore.password", "trust-pw");
        p.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY----- abc");
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", JAAS);
        p.put("sasl.oauthbearer.client.credentials.client.secret", "oauth-secret");
        return p;
    }

    @Test
    void everySecretIsMaskedWhereverItIsShownAndTheRestIsKept() {
        KafkaAccess access = new KafkaAccess("kafka:9093", secured());
        String shown = access.toString() + access.shown() + access.describe();
        for (String secret : new String[] {"s3cr3t-pw", "trust-pw", "PRIVATE KEY", "oauth-secret"}) {
            assertThat(shown).doesNotContain(secret);
        }
        assertThat(access.shown())
                .containsEntry("sasl.jaas.config", "[hidden]")
                .containsEntry("ssl.truststore.password", "[hidden]")
                .containsEntry("ssl.keystore.key", "[hidden]")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12");
        assertThat(access.describe()).isEqualTo("kafka:9093 (SASL_SSL, SCRAM-SHA-512)");
        assertThat(access.clientProperties())
                .as("the clients get the real values")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("bootstrap.servers", "kafka:9093");
    }

    @Test
    void theJobConfigurationNeverShowsASecret() {
        StreamrecJobConfig config = StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, "kafka:9093")
                .set(JobOptions.KAFKA_PROPERTIES, secured())
                .build();
        String flinkShows = config.flinkConfiguration().toMap().toString();
        for (String secret : new String[] {"s3cr3t-pw", "trust-pw", "PRIVATE KEY", "oauth-secret"}) {
            assertThat(config.toString()).doesNotContain(secret);
            assertThat(flinkShows).as("the Flink configuration (web UI, REST)").doesNotContain(secret);
        }
        assertThat(config.toString()).contains("kafka.security.protocol=SASL_SSL");
        assertThat(flinkShows).contains("streamrec.kafka.security.protocol=SASL_SSL");
        assertThat(config.kafkaAccess().clientProperties()).containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void theJobReadsItsPropertiesFileAndSinglePropertiesOverrideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\n");
        StreamrecJobConfig config = StreamrecJobConfig.fromStrings(
                Map.of(
                        "bootstrap-servers", "kafka:9093",
                        "kafka-properties-file", file.toString(),
                        "kafka.sasl.mechanism", "SCRAM-SHA-512"),
                OptionTable.Naming.COMMAND_LINE);

        assertThat(config.kafkaAccess().describe()).isEqualTo("kafka:9093 (SASL_SSL, SCRAM-SHA-512)");
        assertThat(config.kafka().clientProperties())
                .as("the job's sources and sinks")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThatThrownBy(() -> StreamrecJobConfig.fromStrings(
                        Map.of(
                                "kafka-properties-file",
                                dir.resolve("nope.properties").toString()),
                        OptionTable.Naming.COMMAND_LINE))
                .hasMessageContaining("--kafka-properties-file")
                .hasMessageContaining("name a properties file this user can read");
    }

    @Test
    void singlePropertiesOverrideThePropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism = SCRAM-SHA-256\n# a comment\n");
        Map<String, String> merged = KafkaAccess.merge(file, Map.of("sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(merged)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(KafkaAccess.merge(null, Map.of("a", "b"))).containsExactlyEntriesOf(Map.of("a", "b"));
    }

    @Test
    void aMissingFileOrBootstrapServersAmongThePropertiesIsRefusedSayingWhatToChange(@TempDir Path dir) {
        assertThatThrownBy(() -> KafkaAccess.merge(dir.resolve("nope.properties"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.properties does not exist");
        assertThatThrownBy(() -> new KafkaAccess("kafka:9092", Map.of("bootstrap.servers", "other:9092")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void aTlsClientAtAPlaintextListenerGetsAClearErrorInsteadOfRetries() throws Exception {
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            KafkaAccess access =
                    new KafkaAccess("127.0.0.1:" + silent.getLocalPort(), Map.of("security.protocol", "SSL"));
            assertThatThrownBy(() -> access.requireReachable(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort() + " (SSL)")
                    .hasMessageContaining("security.protocol");
        }
    }
}
