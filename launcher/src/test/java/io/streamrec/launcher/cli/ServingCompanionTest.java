package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.launcher.TestCertificates;
import io.streamrec.launcher.runtime.RunCompanion;
import io.streamrec.serving.ServingConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The serving API on {@code streamrec run}: its options declared in one table, shown in the help and checked with the
 * job's; the service follows the run's Kafka settings and bind address.
 */
class ServingCompanionTest {

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String out, String err) {}

    private static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    /** The serving API's configuration for {@code streamrec run ARGS}, as the launcher parses and makes it. */
    private ServingConfig servingConfigOf(String... args) {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs(args);
        RunCommand run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        List<RunCompanion> companions = new ArrayList<>();
        run.configure(companions);
        assertThat(companions).hasSize(1);
        StreamrecJobConfig job = StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092")
                .set(JobOptions.KAFKA_PROPERTIES, Map.of("security.protocol", "SSL"))
                .set(JobOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toString())
                .build();
        return ((ServingCompanion) companions.get(0)).servingConfig(job);
    }

    @Test
    void runsHelpShowsTheServingOptionsWithTheirDefaults() {
        Outcome help = execute("run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("Serving:")
                .contains("--[no-]serving")
                .contains("--serving-port=N")
                .contains("Default: 8080 when free, else any free port.");
    }

    @Test
    void aBadServingPortIsReportedWithTheJobsProblemsBeforeAnythingStarts() {
        Outcome bad = execute("run", "--serving-port", "70000", "--parallelism", "0", "--no-replay");

        assertThat(bad.exitCode()).as(bad.err()).isEqualTo(2);
        assertThat(bad.err())
                .contains("--serving-port is 70000: ")
                .contains("--parallelism is 0: set it to at least 1")
                .doesNotContain("Kafka broker");
        assertThat(bad.out()).doesNotContain("Kafka broker");
    }

    @Test
    void theServiceBesideTheJobListensOnLoopbackUnlessBindAddressOpensIt() {
        ServingConfig byDefault = servingConfigOf("run", "--serving-port", "0");
        assertThat(byDefault.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(byDefault.port()).isZero();
        assertThat(byDefault.kafkaProperties())
                .as("the run's Kafka client settings")
                .isEqualTo(Map.of("security.protocol", "SSL"));
        assertThat(byDefault.dataDir()).isEqualTo(dir.resolve("serving"));

        assertThat(servingConfigOf("run", "--bind-address", "0.0.0.0", "--serving-port", "0")
                        .bindAddress())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void theServiceBesideTheJobTakesItsTokenAndKeyStoreFromFiles() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        Path password = Files.writeString(dir.resolve("keystore-password"), certificates.password() + "\n");
        Path token = Files.writeString(dir.resolve("token"), "  s3cret-token\n");

        ServingConfig secured = servingConfigOf(
                "run",
                "--serving-port",
                "0",
                "--serving-tls-keystore",
                certificates.keyStore().toString(),
                "--serving-tls-keystore-password-file",
                password.toString(),
                "--serving-auth-token-file",
                token.toString());

        assertThat(secured.tls()).isTrue();
        assertThat(secured.tlsKeyStore()).isEqualTo(certificates.keyStore());
        assertThat(secured.tlsKeyStorePassword()).isEqualTo(certificates.password());
        assertThat(secured.authToken()).as("trimmed").isEqualTo("s3cret-token");
        ServingConfig plain = servingConfigOf("run", "--serving-port", "0");
        assertThat(plain.tls()).isFalse();
        assertThat(plain.authToken()).isNull();
    }

    @Test
    void aWrongServingSecretStopsTheRunBeforeAnythingStartsWithoutPrintingIt() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        String wrong = "not-the-password-4711";
        Path wrongPassword = Files.writeString(dir.resolve("wrong-password"), wrong);
        String keyStore = certificates.keyStore().toString();

        Outcome alone = execute("run", "--no-replay", "--serving-tls-keystore", keyStore);
        Outcome wrongOne = execute(
                "run",
                "--no-replay",
                "--serving-tls-keystore",
                keyStore,
                "--serving-tls-keystore-password-file",
                wrongPassword.toString());
        Outcome noToken = execute("run", "--no-replay", "--serving-auth-token-file", "/no/such/token");

        assertThat(alone.exitCode()).as(alone.err()).isEqualTo(2);
        assertThat(alone.err()).contains("--serving-tls-keystore and --serving-tls-keystore-password-file go together");
        assertThat(wrongOne.exitCode()).as(wrongOne.err()).isEqualTo(2);
        assertThat(wrongOne.err())
                .contains("did not open with the given password: check --serving-tls-keystore-password-file")
                .doesNotContain(wrong);
        assertThat(noToken.exitCode()).as(noToken.err()).isEqualTo(2);
        assertThat(noToken.err()).contains("--serving-auth-token-file /no/such/token cannot be read");
        for (Outcome outcome : List.of(alone, wrongOne, noToken)) {
            assertThat(outcome.out()).as("nothing started").doesNotContain("Kafka broker");
        }
    }

    @Test
    void noServingStartsNothing() throws Exception {
        StringWriter out = new StringWriter();
        ServingCompanion off =
                new ServingCompanion(ServingCompanion.OPTIONS.parse(Map.of("serving", "false")), () -> "127.0.0.1");

        try (AutoCloseable started = off.start(
                StreamrecJobConfig.builder().build(), Optional.empty(), new PrintWriter(out, true), metrics -> {})) {
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void aJobWithoutVectorsHasNothingToServeAndSaysSo() throws Exception {
        StringWriter out = new StringWriter();
        ServingCompanion on = new ServingCompanion(ServingCompanion.OPTIONS.parse(Map.of()), () -> "127.0.0.1");
        StreamrecJobConfig noVectors =
                StreamrecJobConfig.builder().set(JobOptions.VECTORS, false).build();

        try (AutoCloseable started = on.start(noVectors, Optional.empty(), new PrintWriter(out, true), metrics -> {})) {
            assertThat(out.toString()).contains("Not serving recommendations: the job publishes no user vectors");
        }
    }
}
