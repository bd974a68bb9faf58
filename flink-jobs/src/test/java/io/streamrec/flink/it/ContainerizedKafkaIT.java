package io.streamrec.flink.it;

import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same ingestion check as {@link IngestionIT} against a containerised Apache Kafka broker of the same
 * version, to show the pipeline does not depend on the embedded broker. Skipped where no Docker engine runs
 * (as on the project's build machines); runs wherever one does.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerizedKafkaIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1");

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void pipelineWorksAgainstAContainerisedBroker(@TempDir Path checkpoints) throws Exception {
        MovieLensScenario scenario = MovieLensScenario.create(20_000, 200, 40, 20, 5, 11L);

        // asserts the state, the dead letters and the absence of duplicates, as IngestionIT does
        IngestionCheck.runAndVerify(KAFKA.getBootstrapServers(), "container", scenario, checkpoints);
    }
}
