package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    @Test
    void evaluatesBaselinesOnASyntheticSliceAndWritesCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("results.csv");
        StringWriter out = new StringWriter();
        int exit = command(out, new StringWriter())
                .execute(
                        "--dataset",
                        "synthetic",
                        "--dataset-option",
                        "users=50",
                        "--dataset-option",
                        "items=100",
                        "--dataset-option",
                        "events=2000",
                        "--models",
                        "popularity,itemcf",
                        "--no-exclude-seen",
                        "--out",
                        csv.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("synthetic: 2000 examples", "HR@50", "popularity", "itemcf", "prequential");
        assertThat(Files.readAllLines(csv)).first().isEqualTo("model,protocol,metric,value");
        assertThat(Files.readAllLines(csv)).anyMatch(row -> row.startsWith("itemcf,prequential,NDCG@10,"));
    }

    @Test
    void theStreamProtocolScoresTheModelBesideBothBaselinesAndDrawsTheLearningCurve(@TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        int exit = command(out, new StringWriter())
                .execute(
                        "--dataset",
                        "synthetic",
                        "--dataset-option",
                        "users=40",
                        "--dataset-option",
                        "items=80",
                        "--dataset-option",
                        "events=1200",
                        "--models",
                        "meanpool",
                        "--protocols",
                        "stream",
                        "--setting",
                        "batch-size=64",
                        "--report",
                        report.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("stream-preq", "popularity-recent", "itemcf-online", "meanpool");
        assertThat(Files.readString(report.resolve("index.html")))
                .contains("meanpool-hit-rate.png", "meanpool-training.png", "itemcf-online");
        byte[] png = Files.readAllBytes(report.resolve("meanpool-hit-rate.png"));
        assertThat(png).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    void mistakesAreUsageErrorsNamingTheOption() {
        StringWriter err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute("--dataset", "synthetic", "--models", "bpr"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown model 'bpr'");

        err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute("--dataset", "synthetic", "--protocols", "holdout"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown protocol 'holdout'; use loo, prequential and/or stream");
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new EvaluateCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err));
    }
}
