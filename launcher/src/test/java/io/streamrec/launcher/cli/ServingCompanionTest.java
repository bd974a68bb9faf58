package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.serving.ServingConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServingCompanionTest {

    @TempDir
    Path dir;

    /** The serving API's configuration for {@code streamrec run ARGS}, as the launcher parses them. */
    private ServingConfig servingConfigOf(String... args) throws Exception {
        CommandLine cli = StreamrecCommand.commandLine();
        cli.parseArgs(args);
        ServingCompanion companion =
                (ServingCompanion) cli.getSubcommands().get("run").getMixins().get("serving");
        StreamrecJobConfig job = StreamrecJobConfig.builder()
                .bootstrapServers("127.0.0.1:9092")
                .kafkaProperty("security.protocol", "SSL")
                .checkpointDir(dir.resolve("checkpoints"))
                .build();
        return companion.servingConfig(job);
    }

    @Test
    void theServiceBesideTheJobListensOnLoopbackUnlessBindAddressOpensIt() throws Exception {
        ServingConfig byDefault = servingConfigOf("run", "--serving-port", "0");
        assertThat(byDefault.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(byDefault.kafkaProperties())
                .as("the run's Kafka client settings")
                .isEqualTo(Map.of("security.protocol", "SSL"));
        assertThat(byDefault.dataDir()).isEqualTo(dir.resolve("serving"));

        assertThat(servingConfigOf("run", "--bind-address", "0.0.0.0", "--serving-port", "0")
                        .bindAddress())
                .isEqualTo("0.0.0.0");
    }
}
