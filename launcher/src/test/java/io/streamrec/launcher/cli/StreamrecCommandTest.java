package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StartingOffsets;
import io.streamrec.flink.job.StateCompression;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ingest.WireFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
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
        // picocli wraps descriptions at the terminal's width: compare with the line breaks folded
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--checkpoint-interval=TIME", "Default: 10s")
                .contains("--max-out-of-orderness=TIME", "Default: 2s")
                .contains("--session-gap=TIME", "Default: 10m")
                .contains("--long-term-retention=TIME", "Default: 7d")
                .contains("Default: streamrec-data")
                .contains("Default: at-least-once")
                .contains("Default: ml-latest-small")
                .contains("Kafka:", "Topics:", "User state:", "Model:", "Training:", "Flink:", "RocksDB:")
                .contains("--trainer-setting=KEY=VALUE")
                .contains("--[no-]vectors")
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
                        "--progress-interval is 0s: set it to a positive time, e.g. 5s"),
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
                        "--event-format is 'xml', not one of json, avro"),
                Arguments.of(new String[] {"run", "--duration", "0"}, "--duration must be positive"),
                Arguments.of(
                        new String[] {"run", "--session-gap", "ten minutes"},
                        "--session-gap is 'ten minutes', not a duration such as 500ms, 10s, 5m"),
                Arguments.of(
                        new String[] {"run", "--kafka-property", "group.id=other"},
                        "--kafka-property is group.id=other: drop the properties the job sets from its own options"),
                Arguments.of(new String[] {"run", "--dataset", "ml-1m"}, "dataset 'ml-1m' needs --path"),
                Arguments.of(
                        new String[] {"run", "--max-session-items", "0"},
                        "--max-session-items is 0: set it to at least 1"),
                Arguments.of(
                        new String[] {"run", "--trainer-setting", "batch-size"},
                        "--trainer-setting takes KEY=VALUE, got 'batch-size'"),
                Arguments.of(
                        new String[] {"run", "--model", "sine", "--trainer-setting", "sine.intrests=2"},
                        "unknown option --trainer-setting sine.intrests: did you mean --trainer-setting"
                                + " sine.interests?"),
                Arguments.of(
                        new String[] {"run", "--delivery-guarantee", "maybe"},
                        "--delivery-guarantee is 'maybe', not one of exactly-once, at-least-once, none"),
                Arguments.of(
                        new String[] {"run", "--starting-offsets", "middle"},
                        "--starting-offsets is 'middle', not one of earliest, latest, committed"));
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
                "snappy",
                "--model",
                "meanpool",
                "--trainer-setting",
                "batch-size=64",
                "--trainer-setting",
                "temperature=0.3");
        RunCommand run = cli.getSubcommands().get("run").getCommand();

        StreamrecJobConfig cfg = run.jobConfig();

        assertThat(cfg.get(JobOptions.BOOTSTRAP_SERVERS)).isEqualTo("k1:9092,k2:9092");
        assertThat(cfg.get(JobOptions.DELIVERY_GUARANTEE)).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(cfg.effectiveTransactionalIdPrefix()).isEqualTo("sr-1");
        assertThat(cfg.get(JobOptions.EVENT_FORMAT)).isEqualTo(WireFormat.AVRO);
        assertThat(cfg.get(JobOptions.PARALLELISM)).isEqualTo(3);
        assertThat(cfg.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.checkpointDirUri())
                .isEqualTo(Path.of("/tmp/x", "checkpoints").toUri().toString());
        assertThat(cfg.get(JobOptions.READ_PROFILES)).isFalse();
        assertThat(cfg.historyPolicy().sessionGap()).isEqualTo(Duration.ofMinutes(30));
        assertThat(cfg.topics().events()).isEqualTo("ev");
        assertThat(cfg.get(JobOptions.KAFKA_PROPERTIES)).containsEntry("security.protocol", "SSL");
        assertThat(cfg.get(JobOptions.STARTING_OFFSETS)).isEqualTo(StartingOffsets.LATEST);
        assertThat(cfg.get(JobOptions.MANAGED_MEMORY)).isEqualTo(MemorySize.ofMebiBytes(512));
        assertThat(cfg.get(JobOptions.ROCKSDB_WRITE_BUFFER)).isEqualTo(MemorySize.ofMebiBytes(64));
        assertThat(cfg.get(JobOptions.ROCKSDB_BLOOM_FILTER)).isFalse();
        assertThat(cfg.get(JobOptions.STATE_COMPRESSION)).isEqualTo(StateCompression.SNAPPY);
        assertThat(cfg.get(ModelSettings.MODEL)).isEqualTo("meanpool");
        assertThat(cfg.trainer().batchSize()).isEqualTo(64);
        assertThat(cfg.trainer().trainerConfig().get(TrainerOptions.TEMPERATURE))
                .isEqualTo(0.3);
    }

    @Test
    void aMemorySizeThatIsNotOneSaysHowToWriteIt() {
        Outcome bad = execute("run", "--managed-memory", "lots");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--managed-memory is 'lots', not a memory size such as 256mb or 1gb");
    }

    @Test
    void runWithoutOptionsUsesTheJobConfigurationDefaults() {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs("run");
        RunCommand run = cli.getSubcommands().get("run").getCommand();

        StreamrecJobConfig cfg = run.jobConfig();

        assertThat(cfg.settings())
                .isEqualTo(StreamrecJobConfig.builder().build().settings());
        assertThat(cfg.checkpointDirUri())
                .isEqualTo(StreamrecJobConfig.builder().build().checkpointDirUri());
    }

    @Test
    void runPassesTrainerSettingsAndLearnerOptionsToTheTrainer() {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs(
                "run",
                "--trainer-setting",
                "sparse-learning-rate=0.02",
                "--trainer-setting",
                "exclude-seen=false",
                "--trainer-setting",
                "recent-negatives=64",
                "--trainer-replay-ratio",
                "0.5",
                "--trainer-max-batch-delay",
                "50ms",
                "--trainer-max-score-share",
                "1");
        RunCommand run = cli.getSubcommands().get("run").getCommand();

        TrainerOperatorConfig trainer = run.jobConfig().trainer();

        assertThat(trainer.trainerConfig().get(TrainerOptions.SPARSE_LEARNING_RATE))
                .isEqualTo(0.02);
        assertThat(trainer.trainerConfig().get(TrainerOptions.EXCLUDE_SEEN)).isFalse();
        assertThat(trainer.trainerConfig().get(TrainerOptions.RECENT_NEGATIVES)).isEqualTo(64);
        assertThat(trainer.evaluation().excludeSeen())
                .as("evaluated as trained")
                .isFalse();
        assertThat(trainer.learnerPolicy().replayRatio()).isEqualTo(0.5);
        assertThat(trainer.learnerPolicy().maxBatchDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(trainer.maxScoreShare()).isEqualTo(1.0);
    }

    @Test
    void runRefusesEveryBadTrainerSettingBeforeStarting() {
        Outcome bad = execute(
                "run",
                "--trainer-setting",
                "learningRate=0.1",
                "--trainer-setting",
                "temperature=hot",
                "--trainer-setting",
                "exclude-seen=maybe",
                "--trainer-setting",
                "popularity-prior=-1",
                "--trainer-replay-ratio",
                "-1");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("unknown option --trainer-setting learningRate")
                .contains("--trainer-setting temperature is 'hot'")
                .contains("--trainer-setting exclude-seen is 'maybe'")
                .contains("--trainer-setting popularity-prior is -1.0: set it to a finite number, 0 or more")
                .contains("--trainer-replay-ratio is -1.0: set it to a finite number, 0 or more")
                .doesNotContain("\tat ");
        assertThat(bad.out()).doesNotContain("Kafka broker");
    }

    @Test
    void runReportsEveryInvalidJobSettingAtOnce() {
        Outcome bad = execute(
                "run",
                "--parallelism",
                "0",
                "--checkpoint-interval",
                "10ms",
                "--consumer-group",
                " ",
                "--trainer-setting",
                "batch-size=0",
                "--trainer-setting",
                "sine.concepts=10");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("Invalid streamrec job configuration")
                .contains("--parallelism is 0: set it to at least 1")
                .contains("--checkpoint-interval is 10ms: set it to at least 100ms")
                .contains("--consumer-group is empty: set it, e.g. to streamrec")
                .contains("--trainer-setting batch-size is 0: set it to at least 1")
                .contains("--trainer-setting sine.concepts is a setting of the sine encoder, but the model is sdm");
    }
}
