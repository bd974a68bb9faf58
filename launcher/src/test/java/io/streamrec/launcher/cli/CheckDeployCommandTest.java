package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckDeployCommandTest {

    static final Path HOME = Path.of(System.getProperty("streamrec.home", ".."));

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new CheckDeployCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void theRepositoryPassesAndSaysWhichObjectsWereNotChecked() {
        Result result = run(
                "--k8s",
                HOME.resolve("k8s").toString(),
                "--compose",
                HOME.resolve("docker/compose.yaml").toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("NOT CHECKED")
                .contains("FlinkDeployment/streamrec")
                .contains("pass --crds DIR")
                .contains("check-deploy: OK, but 3 objects were not checked");
    }

    @Test
    void problemsExitWithOneAndAreListedOnePerLine() throws Exception {
        Path manifest = tmp.resolve("svc.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  selectr: {app: x}
                  ports: [{port: 80, protcol: TCP}]
                """);

        Result result = run("--k8s", manifest.toString());

        assertThat(result.exit()).isEqualTo(CheckDeployCommand.PROBLEMS_FOUND);
        assertThat(result.out())
                .contains("svc.yaml:5: Service/s: spec.selectr: unknown field 'selectr'; did you mean 'selector'?")
                .contains("svc.yaml:6: Service/s: spec.ports[0].protcol: unknown field 'protcol'; did you mean"
                        + " 'protocol'?")
                .contains("check-deploy: FAILED, 2 problems in 1 file");
    }

    @Test
    void aMissingPathOrAFileWhereAFolderIsNeededIsAClearErrorWithoutAStackTrace() {
        Result missing = run("--k8s", tmp.resolve("nope").toString());
        Result notAFolder = run(
                "--k8s",
                HOME.resolve("k8s").toString(),
                "--crds",
                HOME.resolve("pom.xml").toString());

        assertThat(missing.exit()).isEqualTo(CheckDeployCommand.BAD_INPUT);
        assertThat(missing.err())
                .isEqualTo("check-deploy: --k8s " + tmp.resolve("nope") + ": no such file or folder"
                        + System.lineSeparator());
        assertThat(notAFolder.exit()).isEqualTo(CheckDeployCommand.BAD_INPUT);
        assertThat(notAFolder.err())
                .contains("--crds")
                .contains("is not a folder")
                .doesNotContain("Exception");
    }

    @Test
    void unreadableYamlIsAProblemOfItsFileNotACrash() throws Exception {
        Path manifest = tmp.resolve("broken.yaml");
        Files.writeString(manifest, "kind: [\n");

        Result result = run("--k8s", manifest.toString());

        assertThat(result.exit()).isEqualTo(CheckDeployCommand.PROBLEMS_FOUND);
        assertThat(result.out()).contains("broken.yaml:").contains("is not valid YAML");
        assertThat(result.out() + result.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
