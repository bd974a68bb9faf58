package io.streamrec.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Option parsing and validation of the command line, without starting anything. */
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
                .contains("--max-out-of-orderness=TIME")
                .contains("Default: 2s")
                .contains("Default: 10m")
                .contains("Default: 7d")
                .contains("Default: streamrec-data")
                .contains("Default: at_least_once")
                .contains("Default: ml-latest-small")
                .doesNotContain("Default: null");
    }

    @Test
    void runReportsEveryInvalidJobSettingAtOnceBeforeStartingAnything() {
        Outcome bad = execute("run", "--parallelism", "0", "--checkpoint-interval", "10ms", "--consumer-group", " ");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("Invalid streamrec job configuration")
                .contains("parallelism is 0: set it to 1 or more")
                .contains("checkpointInterval is PT0.01S")
                .contains("consumerGroup is empty")
                .doesNotContain("Kafka broker");
    }

    @Test
    void runRefusesANonPositiveDuration() {
        Outcome bad = execute("run", "--duration", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--duration must be positive");
    }

    @Test
    void runExplainsHowToWriteADuration() {
        Outcome bad = execute("run", "--session-gap", "ten minutes");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'ten minutes' is not a duration: write e.g. 500ms, 10s, 5m");
    }

    @Test
    void runRefusesAKafkaPropertyTheJobSetsItself() {
        Outcome bad = execute("run", "--kafka-property", "group.id=other");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("Kafka property 'group.id' is set by the job itself");
    }

    @Test
    void runWithAMissingDatasetPathSaysWhatToPass() {
        Outcome bad = execute("run", "--dataset", "ml-1m");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("dataset 'ml-1m' needs --path");
    }

    @Test
    void noSubcommandIsAnErrorThatSaysWhatToType() {
        Outcome none = execute();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing a command").contains("streamrec run");
    }

    @Test
    void produceNamesTheMissingRequiredOption() {
        Outcome missing = execute("produce");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--bootstrap-servers=HOST:PORT[,...]'");
    }

    @Test
    void keyFieldWithoutRawIsRefusedWithTheReason() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--key-field", "userId");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--key-field applies to --raw only");
    }

    @Test
    void datasetOptionsWithRawAreRefused() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--raw", "f.txt", "--synthetic");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--synthetic does not apply to it");
    }

    @Test
    void anUnknownDatasetKindListsTheKnownOnes() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--dataset", "netflix");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown dataset kind 'netflix'").contains("ml-latest-small")
                .contains("taobao").doesNotContain("\tat ");
    }

    @Test
    void aDatasetThatNeedsAPathSaysSo() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--dataset", "taobao");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("dataset 'taobao' needs --path");
    }

    @Test
    void syntheticSizesWithoutSyntheticAreRefused() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--synthetic-users", "5");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("apply to the synthetic dataset only");
    }

    @Test
    void aNonPositiveSpeedupIsRefused() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--synthetic", "--speedup", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--speedup must be a positive number");
    }

    @Test
    void anUnknownFormatListsTheValidOnes() {
        Outcome bad = execute("produce", "--bootstrap-servers", "h:1", "--format", "xml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--format").contains("JSON, AVRO");
    }

    @Test
    void produceRejectsANonPositiveProgressInterval() {
        Outcome bad = execute("produce", "--bootstrap-servers", "localhost:1", "--raw", "x.txt",
                "--progress-interval", "0");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--progress-interval must be a positive number of seconds, got 0.0");
    }

    @Test
    void produceReportsAMissingRawFileWithoutAStackTrace() {
        Outcome missing = execute("produce", "--bootstrap-servers", "localhost:1", "--raw", "no/such/file.txt");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("error: file not found: no/such/file.txt").doesNotContain("\tat ");
    }

    @Test
    void anUnknownOptionIsNamed() {
        Outcome unknown = execute("produce", "--bootstrap-servers", "h:1", "--raw", "f", "--colour", "red");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option").contains("'--colour'");
    }
}
