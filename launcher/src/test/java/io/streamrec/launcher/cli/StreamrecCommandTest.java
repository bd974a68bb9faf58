package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Option parsing and validation of the command line; every case here fails before anything starts. */
class StreamrecCommandTest {

    record Outcome(int exitCode, String out, String err) {}

    static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StreamrecCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Outcome help = execute("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("run").contains("produce");
    }

    @Test
    void runHelpShowsEveryDefaultFromTheJobConfiguration() {
        Outcome help = execute("run", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("--checkpoint-interval=TIME", "Default: 10s")
                .contains("--max-out-of-orderness=TIME", "Default: 2s")
                .contains("--session-gap=TIME", "Default: 10m")
                .contains("--long-term-retention=TIME", "Default: 7d")
                .contains("Default: streamrec-data")
                .contains("Default: at-least-once")
                .contains("Default: ml-latest-small")
                .doesNotContain("Default: null");
    }

    static Stream<Arguments> invalidInvocations() {
        return Stream.of(
                Arguments.of(new String[] {}, "Missing a command: try 'streamrec run'"),
                Arguments.of(
                        new String[] {"produce"}, "Missing required option: '--bootstrap-servers=HOST:PORT[,...]'"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--raw", "f", "--colour", "red"},
                        "'--colour'"),
                Arguments.of(
                        new String[] {
                            "produce", "--bootstrap-servers", "h:1", "--raw", "x.txt", "--progress-interval", "0"
                        },
                        "--progress-interval must be a positive number of seconds, got 0.0"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--raw", "no/such/file.txt"},
                        "error: file not found: no/such/file.txt"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--key-field", "userId"},
                        "--key-field applies to --raw only"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--raw", "f.txt", "--synthetic"},
                        "--synthetic does not apply to it"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--dataset", "netflix"},
                        "unknown dataset kind 'netflix'; use one of [ml-latest-small, ml-1m, taobao, csv, synthetic]"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--dataset", "taobao"},
                        "dataset 'taobao' needs --path"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--synthetic-users", "5"},
                        "apply to the synthetic dataset only; add --synthetic or drop them"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--synthetic", "--speedup", "0"},
                        "--speedup must be a positive number"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--synthetic", "--limit", "0"},
                        "--limit must be at least 1 event, got 0"),
                Arguments.of(
                        new String[] {"produce", "--bootstrap-servers", "h:1", "--format", "xml"},
                        "Invalid value for option '--format': expected one of [JSON, AVRO]"),
                Arguments.of(new String[] {"run", "--duration", "0"}, "--duration must be positive"),
                Arguments.of(
                        new String[] {"run", "--session-gap", "ten minutes"},
                        "'ten minutes' is not a duration: write e.g. 500ms, 10s, 5m"),
                Arguments.of(
                        new String[] {"run", "--kafka-property", "group.id=other"},
                        "Kafka property 'group.id' is set by the job itself"),
                Arguments.of(new String[] {"run", "--dataset", "ml-1m"}, "dataset 'ml-1m' needs --path"),
                Arguments.of(new String[] {"run", "--max-session-items", "0"}, "maxSessionItems"),
                Arguments.of(
                        new String[] {"run", "--delivery-guarantee", "maybe"},
                        "'maybe' is not a delivery guarantee: use one of [exactly-once, at-least-once, none]"),
                Arguments.of(
                        new String[] {"run", "--starting-offsets", "middle"},
                        "expected one of [EARLIEST, LATEST, COMMITTED]"));
    }

    @ParameterizedTest
    @MethodSource("invalidInvocations")
    void anInvalidInvocationExitsWith2AndSaysWhatIsWrongWithoutAStackTrace(String[] args, String message) {
        Outcome bad = execute(args);
        assertThat(bad.exitCode()).as(bad.err()).isEqualTo(2);
        assertThat(bad.err()).contains(message).doesNotContain("\tat ");
        assertThat(bad.out()).doesNotContain("Kafka broker");
    }

    @Test
    void runMapsItsOptionsOntoTheJobConfiguration() {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs(
                "run",
                "--bootstrap-servers",
                "k1:9092,k2:9092",
                "--delivery-guarantee",
                "exactly-once",
                "--transactional-id-prefix",
                "sr-1",
                "--format",
                "avro",
                "--parallelism",
                "3",
                "--checkpoint-interval",
                "2s",
                "--data-dir",
                "/tmp/x",
                "--no-read-profiles",
                "--session-gap",
                "30m",
                "--events-topic",
                "ev",
                "--kafka-property",
                "security.protocol=SSL",
                "--starting-offsets",
                "latest",
                "--managed-memory",
                "512mb",
                "--rocksdb-write-buffer",
                "64m",
                "--no-rocksdb-bloom-filter",
                "--state-compression",
                "snappy");
        RunCommand run = cli.getSubcommands().get("run").getCommand();

        io.streamrec.flink.job.StreamrecJobConfig cfg = run.jobConfig();

        assertThat(cfg.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(cfg.deliveryGuarantee()).isEqualTo(org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(cfg.effectiveTransactionalIdPrefix()).isEqualTo("sr-1");
        assertThat(cfg.eventFormat()).isEqualTo(io.streamrec.schemas.ingest.WireFormat.AVRO);
        assertThat(cfg.parallelism()).isEqualTo(3);
        assertThat(cfg.checkpointInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(cfg.checkpointDir()).isEqualTo(java.nio.file.Path.of("/tmp/x", "checkpoints"));
        assertThat(cfg.readProfiles()).isFalse();
        assertThat(cfg.historyPolicy().sessionGap()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(cfg.topics().events()).isEqualTo("ev");
        assertThat(cfg.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(cfg.startingOffsets()).isEqualTo(io.streamrec.flink.job.StreamrecJobConfig.StartingOffsets.LATEST);
        assertThat(cfg.managedMemory()).isEqualTo(org.apache.flink.configuration.MemorySize.ofMebiBytes(512));
        assertThat(cfg.rocksdbWriteBufferSize()).isEqualTo(org.apache.flink.configuration.MemorySize.ofMebiBytes(64));
        assertThat(cfg.rocksdbBloomFilter()).isFalse();
        assertThat(cfg.stateCompression()).isEqualTo(io.streamrec.flink.job.StateCompression.SNAPPY);
    }

    @Test
    void aMemorySizeThatIsNotOneSaysHowToWriteIt() {
        Outcome bad = execute("run", "--managed-memory", "lots");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'lots' is not a memory size; write it as e.g. 256mb or 1gb");
    }

    @Test
    void runWithoutOptionsUsesTheJobConfigurationDefaults() {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs("run");
        RunCommand run = cli.getSubcommands().get("run").getCommand();

        io.streamrec.flink.job.StreamrecJobConfig cfg = run.jobConfig();
        io.streamrec.flink.job.StreamrecJobConfig defaults =
                io.streamrec.flink.job.StreamrecJobConfig.builder().build();

        assertThat(cfg.toString()).isEqualTo(defaults.toString());
    }

    @Test
    void runReportsEveryInvalidJobSettingAtOnce() {
        Outcome bad = execute("run", "--parallelism", "0", "--checkpoint-interval", "10ms", "--consumer-group", " ");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("Invalid streamrec job configuration")
                .contains("parallelism is 0: set it to 1 or more")
                .contains("checkpointInterval is PT0.01S")
                .contains("consumerGroup is empty");
    }
}
