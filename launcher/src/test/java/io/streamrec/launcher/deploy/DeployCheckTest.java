package io.streamrec.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployCheckTest {

    /** The checkout whose k8s/ and docker/ are checked (set by the build). */
    static final Path HOME = Path.of(System.getProperty("streamrec.home", ".."));

    private static DeployCheck check;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadModels() {
        check = new DeployCheck(HOME);
    }

    @Test
    void theRepositorysManifestsAndComposeFilePass() throws IOException {
        DeployReport report = check.run(new DeployCheck.Options(
                List.of(HOME.resolve("k8s")), Optional.of(HOME.resolve("docker/compose.yaml")), Optional.empty()));

        assertThat(report.problems()).isEmpty();
        // every kind of the deployment was read into a model: Kubernetes', Strimzi's, and the Compose schema
        assertThat(report.objects())
                .anySatisfy(o ->
                        assertThat(o).contains("Deployment/streamrec-serving").contains("fabric8"))
                .anySatisfy(o -> assertThat(o).contains("HorizontalPodAutoscaler/streamrec-serving"))
                .anySatisfy(o -> assertThat(o).contains("PodDisruptionBudget/streamrec-serving"))
                .anySatisfy(o -> assertThat(o).contains("ServiceMonitor/streamrec-serving"))
                .anySatisfy(o -> assertThat(o).contains("PodMonitor/streamrec-flink"))
                .anySatisfy(o -> assertThat(o).contains("Kafka/streamrec").contains("Strimzi"))
                .anySatisfy(
                        o -> assertThat(o).contains("KafkaNodePool/dual-role").contains("Strimzi"))
                .anySatisfy(
                        o -> assertThat(o).contains("KafkaTopic/model-updates").contains("Strimzi"))
                .anySatisfy(o -> assertThat(o).contains("docker/compose.yaml").contains("Compose"));
        // without CRDs the Flink kinds are not checked, and the report says so and why
        assertThat(report.notChecked())
                .extracting(DeployReport.NotChecked::object)
                .containsExactlyInAnyOrder(
                        "k8s/base/flink/flinkdeployment.yaml: FlinkDeployment/streamrec",
                        "k8s/overlays/dev/flink.yaml: FlinkDeployment/streamrec",
                        "k8s/overlays/prod/flink.yaml: FlinkDeployment/streamrec");
        assertThat(report.notChecked()).allSatisfy(n -> assertThat(n.reason()).contains("--crds"));
    }

    @Test
    void aMisspeltFieldInACopyOfTheManifestsIsRejectedNamingFileLineAndField() throws IOException {
        Path copy = copyOfDeployment();
        replace(copy.resolve("k8s/base/serving/deployment.yaml"), "readinessProbe:", "readinesProbe:");
        replace(copy.resolve("k8s/base/kafka/topics.yaml"), "  partitions: 1\n", "  partitons: 1\n");
        replace(copy.resolve("docker/compose.yaml"), "    healthcheck:", "    helthcheck:");

        DeployReport report = check.run(new DeployCheck.Options(
                List.of(copy.resolve("k8s")), Optional.of(copy.resolve("docker/compose.yaml")), Optional.empty()));

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).hasSize(3);
        Problem deployment = problemIn(report, "deployment.yaml");
        assertThat(deployment.object()).isEqualTo("Deployment/streamrec-serving");
        assertThat(deployment.field()).isEqualTo("spec.template.spec.containers[0].readinesProbe");
        assertThat(deployment.message()).contains("unknown field 'readinesProbe'", "did you mean 'readinessProbe'");
        assertThat(deployment.line())
                .isEqualTo(lineOf(copy.resolve("k8s/base/serving/deployment.yaml"), "readinesProbe:"));
        Problem topic = problemIn(report, "topics.yaml");
        assertThat(topic.object()).isEqualTo("KafkaTopic/model-updates");
        assertThat(topic.field()).isEqualTo("spec.partitons");
        assertThat(topic.message()).contains("did you mean 'partitions'");
        Problem compose = problemIn(report, "compose.yaml");
        assertThat(compose.field()).isEqualTo("services.kafka.helthcheck");
        assertThat(compose.message()).contains("did you mean 'healthcheck'");
        assertThat(compose.line()).isEqualTo(lineOf(copy.resolve("docker/compose.yaml"), "helthcheck:"));
    }

    @Test
    void flinkKindsAreValidatedAgainstTheirCustomResourceDefinition() throws IOException {
        Path crds = crdFolder();
        Path manifests = Files.createDirectories(tmp.resolve("flink"));
        Files.writeString(manifests.resolve("good.yaml"), """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata:
                  name: good
                  labels: {app: streamrec}
                spec:
                  flinkVersion: v2_2
                  flinkConfiguration:
                    anything.goes: "here"
                    nested: {too: true}
                  logConfiguration:
                    log4j-console.properties: "rootLogger.level = INFO"
                  jobManager: {replicas: 1, resource: {cpu: 0.5, memory: 2048m}}
                  job:
                    args: [--bootstrap-servers, kafka:9092]
                    parallelism: 2
                    upgradeMode: savepoint
                    port: 8081
                    budget: "10%"
                  podTemplate:
                    spec:
                      containers:
                        - name: flink-main-container
                          env: [{name: A, value: "1"}]
                status: {whatever: 1}
                """);
        Files.writeString(manifests.resolve("bad.yaml"), """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata:
                  name: bad
                  lables: {app: streamrec}
                spec:
                  flinkVersion: v9_9
                  logConfiguration:
                    log4j-console.properties: 42
                  jobManager: {replicas: two, resource: {cpu: 1, memroy: 2048m}}
                  job:
                    args: [--parallelism, 2]
                    upgradeMod: savepoint
                    port: 1.5
                    budget: [1]
                  podTemplate:
                    spec:
                      containers:
                        - name: flink-main-container
                          env: [{name: A, valeu: "1"}]
                ---
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: no-version}
                spec: {image: x}
                """);

        DeployReport report =
                check.run(new DeployCheck.Options(List.of(manifests), Optional.empty(), Optional.of(crds)));

        assertThat(report.problems()).allSatisfy(p -> assertThat(p.file()).endsWith("bad.yaml"));
        assertThat(report.problems())
                .extracting(p -> p.field() + " | " + p.message())
                .containsExactlyInAnyOrder(
                        "metadata.lables | unknown field 'lables'; did you mean 'labels'?",
                        "spec.flinkVersion | 'v9_9' is not one of v1_20, v2_1, v2_2",
                        "spec.logConfiguration.log4j-console.properties | wrong value: expected a string, got number 42",
                        "spec.jobManager.replicas | wrong value: expected an integer, got the string 'two'",
                        "spec.jobManager.resource.memroy | unknown field 'memroy'; did you mean 'memory'?",
                        "spec.job.args[1] | wrong value: expected a string, got number 2",
                        "spec.job.upgradeMod | unknown field 'upgradeMod'; did you mean 'upgradeMode'?",
                        "spec.job.port | wrong value: expected an integer or a string, got number 1.5",
                        "spec.job.budget | wrong value: a list matches none of integer, string",
                        "spec.podTemplate.spec.containers[0].env[0].valeu | unknown field 'valeu'; did you mean 'value'?",
                        "spec | missing required field 'spec.flinkVersion'");
        Problem misspelt = report.problems().stream()
                .filter(p -> p.field().equals("spec.job.upgradeMod"))
                .findFirst()
                .orElseThrow();
        assertThat(misspelt.object()).isEqualTo("FlinkDeployment/bad");
        assertThat(misspelt.line()).isEqualTo(13);
    }

    @Test
    void aPatchFileNamedByAKustomizationMayLeaveRequiredFieldsOut() throws IOException {
        Path crds = crdFolder();
        Path overlay = Files.createDirectories(tmp.resolve("overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [flink.yaml]
                patches:
                  - path: patch.yaml
                """);
        Files.writeString(overlay.resolve("flink.yaml"), """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: streamrec}
                spec: {flinkVersion: v2_2}
                """);
        Files.writeString(overlay.resolve("patch.yaml"), """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: streamrec}
                spec: {job: {parallelism: 4}}
                """);

        DeployReport report = check.run(new DeployCheck.Options(List.of(overlay), Optional.empty(), Optional.of(crds)));

        assertThat(report.problems()).isEmpty();
        assertThat(report.objects()).hasSize(2);
    }

    @Test
    void aKustomizationWithAnUnknownFieldOrAMissingFileFails() throws IOException {
        Path overlay = Files.createDirectories(tmp.resolve("overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resource: [a.yaml]
                resources: [missing.yaml]
                """);

        DeployReport report = check.run(new DeployCheck.Options(List.of(overlay), Optional.empty(), Optional.empty()));

        assertThat(report.problems())
                .extracting(p -> p.field() + " | " + p.message())
                .containsExactlyInAnyOrder(
                        "resource | unknown field 'resource'; did you mean 'resources'?",
                        "resources[0] | refers to 'missing.yaml', which does not exist (looked for "
                                + overlay.toAbsolutePath().resolve("missing.yaml") + ")");
    }

    @Test
    void unreadableYamlAnUnknownKindAndAMissingKindAreProblemsNotCrashes() throws IOException {
        Path manifests = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(manifests.resolve("broken.yaml"), "metadata:\n  name: [unclosed\n");
        Files.writeString(manifests.resolve("unknown.yaml"), "apiVersion: v1\nkind: Servise\nmetadata: {name: x}\n");
        Files.writeString(manifests.resolve("custom.yaml"), "apiVersion: example.io/v1\nkind: Widget\n");
        Files.writeString(manifests.resolve("nokind.yaml"), "apiVersion: v1\nmetadata: {name: x}\n");
        Files.writeString(manifests.resolve("wrongversion.yaml"), "apiVersion: apps/v1beta1\nkind: Deployment\n");
        Files.writeString(manifests.resolve("duplicate.yaml"), "apiVersion: v1\nkind: Service\nkind: Service\n");

        DeployReport report =
                check.run(new DeployCheck.Options(List.of(manifests), Optional.empty(), Optional.empty()));

        assertThat(report.problems())
                .extracting(p -> p.file().replaceAll(".*/", "") + ":" + p.line() + " | " + p.message())
                .satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("broken.yaml:").contains("is not valid YAML"),
                        p -> assertThat(p)
                                .startsWith("custom.yaml:2 | unknown kind 'Widget' (apiVersion example.io/v1)")
                                .contains("--crds"),
                        p -> assertThat(p).startsWith("duplicate.yaml:").contains("is not valid YAML", "kind"),
                        p -> assertThat(p).startsWith("nokind.yaml:1 | missing"),
                        p -> assertThat(p)
                                .startsWith("unknown.yaml:2 | unknown kind 'Servise'")
                                .contains("did you mean 'Service'?"),
                        p -> assertThat(p)
                                .startsWith("wrongversion.yaml:2 | apiVersion 'apps/v1beta1' has no kind"
                                        + " 'Deployment'; Deployment is served as apps/v1"));
    }

    @Test
    void aPathThatDoesNotExistIsTheCallersMistakeNamedByItsOption() {
        assertThatThrownBy(() -> check.run(
                        new DeployCheck.Options(List.of(tmp.resolve("nope")), Optional.empty(), Optional.empty())))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope")
                .hasMessageContaining("--k8s");
        assertThatThrownBy(() -> check.run(
                        new DeployCheck.Options(List.of(), Optional.of(tmp.resolve("compose.yaml")), Optional.empty())))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("--compose");
    }

    private Path copyOfDeployment() throws IOException {
        Path copy = tmp.resolve("copy");
        for (String dir : List.of("k8s", "monitoring", "docker")) {
            Path from = HOME.resolve(dir);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path target =
                            copy.resolve(dir).resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }

    private Path crdFolder() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("crds"));
        try (InputStream crd = getClass().getResourceAsStream("flinkdeployments-subset-crd.yaml")) {
            Files.copy(crd, folder.resolve("flinkdeployments.flink.apache.org-v1.yml"));
        }
        return folder;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as("%s holds '%s' once", file, from).containsOnlyOnce(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    private static Problem problemIn(DeployReport report, String fileName) {
        return report.problems().stream()
                .filter(p -> p.file().endsWith(fileName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no problem in " + fileName + ": " + report.problems()));
    }
}
