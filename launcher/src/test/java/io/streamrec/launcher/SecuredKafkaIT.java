package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.embedded.EmbeddedKafkaBroker;
import io.streamrec.embedded.SecuredListener;
import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.launcher.cli.StreamrecCommand;
import io.streamrec.model.data.MovieLensDataset;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * streamrec against a Kafka that requires SASL_SSL: the embedded broker with a TLS listener (certificates made here)
 * that takes only SCRAM-SHA-512 logins, the pipeline's user created through the Admin API. {@code produce}, the job's
 * sources and sinks, the run's own clients and the service the run starts all get in with one properties file whose
 * password is kept in another file (Kafka's file config provider); nothing they print, write or log holds a secret;
 * and a wrong password stops {@code produce}, {@code run} and {@code serve} at once with a message that says so. The
 * run's service answers HTTPS only (a key store signed by the test's CA) and only with its bearer token.
 */
class SecuredKafkaIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AvroBinaryCodec<UserVector> VECTORS = AvroBinaryCodec.of(UserVector.class);
    // more than the trainer's mixing buffer (16 batches of 256), so that it trains and publishes deltas
    private static final int EVENTS = 8_000;
    private static final String USER = "streamrec-pipeline";
    private static final Pattern SERVING = Pattern.compile("Serving recommendations at (https://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;
    private static TestCertificates certificates;
    private static String password;
    private static String adminPassword;
    private static String servingToken;
    private static Path clientProperties;
    private static SecretLogWatch logs;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        SecureRandom random = new SecureRandom();
        password = "pipeline-" + Long.toHexString(random.nextLong());
        adminPassword = "admin-" + Long.toHexString(random.nextLong());
        servingToken = "token-" + Long.toHexString(random.nextLong());
        certificates = TestCertificates.create(dir);
        logs = SecretLogWatch.start(List.of(password, adminPassword, certificates.password(), servingToken));
        broker = EmbeddedKafkaBroker.builder()
                .secured(new SecuredListener(
                        certificates.keyStore(),
                        certificates.trustStore(),
                        certificates.password(),
                        "admin",
                        adminPassword))
                .start();
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Path secret = dir.resolve("pipeline-secret.properties");
        Files.writeString(secret, "password=" + password + "\n");
        Map<String, String> login = SecuredListener.clientProperties(
                certificates.trustStore(), certificates.password(), USER, "${file:" + secret + ":password}");
        Properties props = new Properties();
        props.putAll(login);
        props.put("config.providers", "file");
        props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        clientProperties = dir.resolve("client.properties");
        try (var out = Files.newBufferedWriter(clientProperties)) {
            props.store(out, "SASL_SSL as " + USER + "; the password lives in " + secret);
        }
        awaitLogin(new KafkaAccess(broker.bootstrapServers(), KafkaAccess.merge(clientProperties, Map.of())));
    }

    /** SCRAM credentials reach the broker through its metadata log, a moment after the Admin call returns. */
    private static void awaitLogin(KafkaAccess access) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                access.requireReachable(Duration.ofSeconds(10));
                return;
            } catch (IllegalArgumentException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    /** What this JVM logged so far (Kafka's clients and broker print their configurations at INFO) held no secret. */
    private static void assertNoSecretLogged() {
        assertThat(logs.seen()).as("log lines read").isPositive();
        assertThat(logs.leaks()).as("log lines holding a secret").isEmpty();
    }

    @Test
    void producedEventsBecomeVectorsAndRecommendationsThroughTheSecuredBroker() throws Exception {
        String bootstrap = broker.bootstrapServers();
        Path summary = dir.resolve("summary.json");
        // the broker's key store is valid for 127.0.0.1, so the service can use it too
        Path keyStorePassword = Files.writeString(dir.resolve("keystore-password"), certificates.password() + "\n");
        Path token = Files.writeString(dir.resolve("serving-token"), servingToken + "\n");
        StringWriter runOut = new StringWriter();
        CommandLine run = StreamrecCommand.commandLine();
        run.setOut(new PrintWriter(runOut, true)).setErr(new PrintWriter(runOut, true));
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> run.execute(
                "run",
                "--bootstrap-servers",
                bootstrap,
                "--kafka-properties-file",
                clientProperties.toString(),
                "--no-replay",
                "--starting-offsets",
                "earliest",
                "--delivery-guarantee",
                "exactly-once",
                "--model",
                "meanpool",
                "--delta-interval",
                "2s",
                "--checkpoint-interval",
                "2s",
                "--duration",
                "120",
                "--data-dir",
                dir.resolve("run").toString(),
                "--summary-json",
                summary.toString(),
                "--serving-port",
                "0",
                "--serving-tls-keystore",
                certificates.keyStore().toString(),
                "--serving-tls-keystore-password-file",
                keyStorePassword.toString(),
                "--serving-auth-token-file",
                token.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!runOut.toString().contains("running on a local cluster")) {
            assertThat(running).as(runOut.toString()).isNotDone();
            assertThat(System.nanoTime()).as("the job running: %s", runOut).isLessThan(deadline);
            Thread.sleep(200);
        }

        StringWriter produceOut = new StringWriter();
        int produced = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(produceOut, true))
                .setErr(new PrintWriter(produceOut, true))
                .execute(
                        "produce",
                        "--bootstrap-servers",
                        bootstrap,
                        "--kafka-properties-file",
                        clientProperties.toString(),
                        "--path",
                        "../data/ml-latest-small",
                        "--limit",
                        Integer.toString(EVENTS));
        assertThat(produced).as(produceOut.toString()).isZero();
        assertThat(produceOut.toString()).contains(String.format("Sent %,d", EVENTS));

        // the service the run starts beside the job follows its topics with the same secured settings
        Matcher serving = SERVING.matcher(runOut.toString());
        assertThat(serving.find()).as(runOut.toString()).isTrue();
        String lastUser;
        try (Stream<UserEvent> events =
                MovieLensDataset.latestSmall(Path.of("../data/ml-latest-small")).events()) {
            lastUser = events.limit(EVENTS).reduce((a, b) -> b).orElseThrow().getUserId();
        }
        URI recommendations = URI.create(serving.group(1) + "/v1/users/" + lastUser + "/recommendations?k=10");
        HttpClient http =
                HttpClient.newBuilder().sslContext(certificates.clientContext()).build();
        long answerDeadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
        HttpResponse<String> answer;
        do {
            assertThat(running).as(runOut.toString()).isNotDone();
            assertThat(System.nanoTime())
                    .as("ten recommendations from the run's service: %s", runOut)
                    .isLessThan(answerDeadline);
            Thread.sleep(500);
            answer = http.send(
                    HttpRequest.newBuilder(recommendations)
                            .header("Authorization", "Bearer " + servingToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } while (answer.statusCode() != 200
                || JSON.readTree(answer.body()).get("items").size() < 10);
        HttpResponse<String> withoutToken =
                http.send(HttpRequest.newBuilder(recommendations).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withoutToken.statusCode()).as(withoutToken.body()).isEqualTo(401);

        assertThat(running.get(200, TimeUnit.SECONDS)).as(runOut.toString()).isZero();
        assertThat(runOut.toString()).contains("Using Kafka at " + bootstrap + " (SASL_SSL, SCRAM-SHA-512)");
        JsonNode figures = JSON.readTree(summary.toFile());
        assertThat(figures.get("dlq").asLong()).as(runOut.toString()).isZero();
        assertThat(figures.get("modelVersion").asLong())
                .as("the trainer published deltas through the secured sink: %s", runOut)
                .isGreaterThan(1);

        Set<String> users = new HashSet<>();
        try (Stream<UserEvent> events =
                MovieLensDataset.latestSmall(Path.of("../data/ml-latest-small")).events()) {
            events.limit(EVENTS).forEach(e -> users.add(e.getUserId()));
        }
        List<UserVector> vectors = readCommittedVectors(bootstrap);
        Set<String> withVector = new HashSet<>();
        vectors.forEach(v -> withVector.add(v.getUserId()));
        assertThat(vectors.size())
                .as("one vector per applied event, through the secured sink (the newest events wait for event time)")
                .isGreaterThan(EVENTS * 9 / 10);
        assertThat(withVector).isSubsetOf(users).hasSizeGreaterThan(users.size() * 9 / 10);

        String printed = runOut + produceOut.toString() + Files.readString(summary, StandardCharsets.UTF_8);
        for (String secret : List.of(password, adminPassword, certificates.password(), servingToken)) {
            assertThat(printed).as("what the commands printed and wrote").doesNotContain(secret);
        }
        assertNoSecretLogged();
    }

    @Test
    void aWrongPasswordStopsEveryCommandAtOnceSayingWhy() throws Exception {
        String wrong = "not-the-password-" + Long.toHexString(new SecureRandom().nextLong());
        logs.watchFor(wrong);
        Path badProperties = dir.resolve("wrong-password.properties");
        Properties props = new Properties();
        props.putAll(SecuredListener.clientProperties(certificates.trustStore(), certificates.password(), USER, wrong));
        try (var out = Files.newBufferedWriter(badProperties)) {
            props.store(out, null);
        }
        String bootstrap = broker.bootstrapServers();
        List<String> outputs = new ArrayList<>();
        List<List<String>> commands = List.of(
                List.of("produce", "--limit", "10", "--path", "../data/ml-latest-small"),
                List.of(
                        "run",
                        "--no-replay",
                        "--duration",
                        "30",
                        "--data-dir",
                        dir.resolve("wrong").toString()),
                List.of(
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        dir.resolve("wrong-service").toString()));
        for (List<String> command : commands) {
            StringWriter out = new StringWriter();
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--bootstrap-servers", bootstrap, "--kafka-properties-file", badProperties.toString()));
            CommandLine cli = StreamrecCommand.commandLine();
            int status = assertTimeoutPreemptively(
                    Duration.ofSeconds(90),
                    () -> cli.setOut(new PrintWriter(out, true))
                            .setErr(new PrintWriter(out, true))
                            .execute(args.toArray(String[]::new)),
                    () -> command.get(0) + " hung on a wrong password: " + out);
            assertThat(status).as(command.get(0) + ": " + out).isEqualTo(2);
            assertThat(out.toString())
                    .as(command.get(0))
                    .contains("refused the credentials")
                    .contains(bootstrap + " (SASL_SSL, SCRAM-SHA-512)")
                    .contains("sasl.jaas.config")
                    .doesNotContain(wrong);
            outputs.add(out.toString());
        }
        assertThat(String.join("\n", outputs)).doesNotContain(certificates.password());
        assertNoSecretLogged();
    }

    private List<UserVector> readCommittedVectors(String bootstrap) {
        Properties props = new KafkaAccess(bootstrap, KafkaAccess.merge(clientProperties, Map.of())).clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<UserVector> vectors = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("user-vectors").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertThat(System.nanoTime()).as("reading user-vectors").isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    vectors.add(VECTORS.decode(record.value()));
                }
            }
        }
        return vectors;
    }
}
