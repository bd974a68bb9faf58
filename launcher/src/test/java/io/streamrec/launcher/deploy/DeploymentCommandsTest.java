package io.streamrec.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJob;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.launcher.cli.StreamrecCommand;
import io.streamrec.serving.ServingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The command lines the deployment files pass to streamrec are ones streamrec accepts: check-deploy validates the
 * manifests' fields, but not the arguments inside them. Each is parsed here by the real command ({@code serve},
 * {@code produce}) or the job's entry point, so a renamed or misspelt option fails the build, not a pod at start.
 */
class DeploymentCommandsTest {

    private static final Path HOME = Path.of(System.getProperty("streamrec.home", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void composeStartsTheServiceWithOptionsServeHasAndOpensItExplicitly() throws IOException {
        JsonNode services =
                YAML.readTree(HOME.resolve("docker/compose.yaml").toFile()).get("services");
        List<String> serve = strings(services.get("serving").get("command"));

        ParseResult parsed = parse(serve);

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        assertThat(optionValue(parsed, "--host"))
                .as(
                        "a container must open the service explicitly; it binds %s by default",
                        ServingConfig.DEFAULT_BIND_ADDRESS)
                .isEqualTo("0.0.0.0");
        assertThat(optionValue(parsed, "--bootstrap-servers")).isEqualTo("kafka:9092");
    }

    @Test
    void composeReplaysWithOptionsProduceHas() throws IOException {
        JsonNode services =
                YAML.readTree(HOME.resolve("docker/compose.yaml").toFile()).get("services");

        ParseResult parsed = parse(strings(services.get("replay").get("command")));

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("produce");
    }

    @Test
    void theServiceBindsLoopbackUnlessToldOtherwise() {
        assertThat(ServingConfig.DEFAULT_BIND_ADDRESS).isEqualTo("127.0.0.1");
        ParseResult parsed = parse(List.of("serve", "--bootstrap-servers", "kafka:9092"));
        assertThat(parsed.subcommand().matchedOption("--host")).isNull();
    }

    @Test
    void kubernetesStartsTheServiceWithOptionsServeHasOnAWritableDataDir() throws IOException {
        JsonNode deployment =
                YAML.readTree(HOME.resolve("k8s/base/serving/deployment.yaml").toFile());
        JsonNode container = deployment.at("/spec/template/spec/containers/0");

        ParseResult parsed = parse(strings(container.get("args")));

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        assertThat(optionValue(parsed, "--host")).isEqualTo("0.0.0.0");
        // the root filesystem is read-only: the store must live on a mounted volume
        String dataDir = optionValue(parsed, "--data-dir");
        assertThat(dataDir).as("--data-dir").isNotNull();
        List<String> mounts = new ArrayList<>();
        container.get("volumeMounts").forEach(m -> mounts.add(m.get("mountPath").asText()));
        assertThat(mounts).anyMatch(mount -> Path.of(dataDir).startsWith(mount));
    }

    @Test
    void composeAndTheFlinkDeploymentPassArgumentsTheJobAccepts() throws IOException {
        JsonNode services =
                YAML.readTree(HOME.resolve("docker/compose.yaml").toFile()).get("services");
        List<String> jobManager = strings(services.get("jobmanager").get("command"));
        int entry = jobManager.indexOf("--job-classname");
        assertThat(jobManager.get(entry + 1)).isEqualTo(StreamrecJob.class.getName());
        List<String> composeArgs = jobManager.subList(entry + 2, jobManager.size());

        JsonNode flinkDeployment = YAML.readTree(
                HOME.resolve("k8s/base/flink/flinkdeployment.yaml").toFile());
        assertThat(flinkDeployment.at("/spec/job/entryClass").asText()).isEqualTo(StreamrecJob.class.getName());
        List<String> operatorArgs = strings(flinkDeployment.at("/spec/job/args"));

        StreamrecJobConfig compose =
                StreamrecJob.configuration(composeArgs.toArray(String[]::new), new Configuration());
        StreamrecJobConfig operator =
                StreamrecJob.configuration(operatorArgs.toArray(String[]::new), new Configuration());
        assertThat(compose.get(JobOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
        assertThat(operator.get(JobOptions.BOOTSTRAP_SERVERS)).isEqualTo("streamrec-kafka-bootstrap:9092");
    }

    private static ParseResult parse(List<String> args) {
        return StreamrecCommand.commandLine().parseArgs(args.toArray(String[]::new));
    }

    private static String optionValue(ParseResult parsed, String option) {
        CommandLine.Model.OptionSpec spec = parsed.subcommand().matchedOption(option);
        return spec == null ? null : spec.getValue().toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
