package io.streamrec.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamrec.flink.job.StreamrecJob;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.launcher.cli.StreamrecCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * The command lines the deployment files pass to streamrec are ones streamrec accepts: check-deploy validates the
 * manifests' fields, but not the arguments inside them. Each is parsed here by the real command ({@code produce}) or
 * the job's entry point, so a renamed or misspelt option fails the build, not a pod at start.
 */
class DeploymentCommandsTest {

    private static final Path HOME = Path.of(System.getProperty("streamrec.home", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void composeReplaysWithOptionsProduceHas() throws IOException {
        JsonNode services =
                YAML.readTree(HOME.resolve("docker/compose.yaml").toFile()).get("services");

        ParseResult parsed = parse(strings(services.get("replay").get("command")));

        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("produce");
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
        assertThat(compose.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(operator.bootstrapServers()).isEqualTo("streamrec-kafka-bootstrap:9092");
    }

    private static ParseResult parse(List<String> args) {
        return StreamrecCommand.commandLine().parseArgs(args.toArray(String[]::new));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
