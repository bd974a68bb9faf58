package io.streamrec.launcher.cli;

import io.streamrec.launcher.deploy.DeployCheck;
import io.streamrec.launcher.deploy.DeployReport;
import io.streamrec.launcher.deploy.Problem;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamrec check-deploy}: the deployment files checked against the operators' schemas, without a cluster. */
@Command(
        name = "check-deploy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Checks Kubernetes manifests and a Compose file without a cluster: built-in kinds against fabric8's"
                    + " Kubernetes model, Strimzi's kinds against Strimzi's API model, custom resources such as the"
                    + " Flink operator's FlinkDeployment against their CustomResourceDefinitions (--crds), the Compose"
                    + " file against the Compose Specification. Unknown or misspelt fields, wrong types and unknown"
                    + " kinds are problems, each named with its file, line and field.",
            "With neither --k8s nor --compose it checks this checkout's k8s/ and docker/compose.yaml.",
            "Exit code 0: no problem; 1: problems found; 2: a path or option is wrong.",
        })
public final class CheckDeployCommand implements Callable<Integer> {

    static final int PROBLEMS_FOUND = 1;
    static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--k8s",
            paramLabel = "PATH",
            description = "A folder of Kubernetes manifests (every *.yaml below it, and what its kustomizations"
                    + " refer to) or one manifest file. Repeatable.")
    List<Path> k8s = new ArrayList<>();

    @Option(names = "--compose", paramLabel = "FILE", description = "A Compose file.")
    Path compose;

    @Option(
            names = "--crds",
            paramLabel = "DIR",
            description = "A folder of CustomResourceDefinition files for kinds that have no Java model here (the"
                    + " Flink Kubernetes Operator's flinkdeployments.flink.apache.org-v1.yml); a compose-spec.json in"
                    + " it replaces the Compose schema shipped with streamrec. Without it, Flink kinds are reported"
                    + " as not checked.")
    Path crds;

    @Option(names = "--verbose", description = "List every object checked and what it was checked against.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeployCheck.Options options = options();
        DeployReport report;
        try {
            report = new DeployCheck(Path.of("")).run(options);
        } catch (NoSuchFileException e) {
            err.println("check-deploy: "
                    + Optional.ofNullable(e.getReason()).map(o -> o + " ").orElse("") + e.getFile()
                    + ": no such file or folder");
            return BAD_INPUT;
        } catch (IllegalArgumentException e) {
            err.println("check-deploy: " + e.getMessage());
            return BAD_INPUT;
        }
        print(report, options, out);
        return report.passed() ? 0 : PROBLEMS_FOUND;
    }

    private DeployCheck.Options options() {
        if (k8s.isEmpty() && compose == null) {
            Path home = Path.of(System.getProperty("streamrec.home", "."));
            return new DeployCheck.Options(
                    List.of(home.resolve("k8s")),
                    Optional.of(home.resolve("docker").resolve("compose.yaml")),
                    Optional.ofNullable(crds));
        }
        return new DeployCheck.Options(k8s, Optional.ofNullable(compose), Optional.ofNullable(crds));
    }

    private void print(DeployReport report, DeployCheck.Options options, PrintWriter out) {
        List<String> what = new ArrayList<>();
        options.k8s().forEach(p -> what.add(p.toString()));
        options.compose().ifPresent(p -> what.add(p.toString()));
        out.printf(
                "check-deploy: %d files, %d objects checked (%s)%n",
                report.files(), report.objects().size(), String.join(", ", what));
        if (verbose) {
            report.objects().forEach(o -> out.println("  checked      " + o));
        }
        Map<String, List<String>> skippedByReason = new LinkedHashMap<>();
        report.notChecked()
                .forEach(n -> skippedByReason
                        .computeIfAbsent(n.reason(), r -> new ArrayList<>())
                        .add(n.object()));
        skippedByReason.forEach((reason, objects) -> {
            objects.forEach(o -> out.println("  NOT CHECKED  " + o));
            out.println("               (" + reason + ")");
        });
        for (Problem problem : report.problems()) {
            out.println("  PROBLEM      " + problem);
        }
        if (report.passed()) {
            out.println(
                    report.notChecked().isEmpty()
                            ? "check-deploy: OK"
                            : "check-deploy: OK, but " + report.notChecked().size()
                                    + " objects were not checked (see above)");
        } else {
            out.printf(
                    "check-deploy: FAILED, %d problem%s in %d file%s%n",
                    report.problems().size(),
                    report.problems().size() == 1 ? "" : "s",
                    report.filesWithProblems(),
                    report.filesWithProblems() == 1 ? "" : "s");
        }
        out.flush();
    }
}
