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
    void mistakesAreUsageErrorsNamingTheOption() {
        StringWriter err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute("--dataset", "synthetic", "--models", "bpr"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown model 'bpr'");

        err = new StringWriter();
        assertThat(command(new StringWriter(), err).execute("--dataset", "synthetic", "--protocols", "holdout"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown protocol 'holdout'; use loo and/or prequential");
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new EvaluateCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err));
    }
}
