package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole ingestion path on real parts: the embedded Kafka broker, a Flink MiniCluster at parallelism 2
 * with RocksDB and checkpoints, and every ml-latest-small rating (100,836) mixed with 1,200 malformed
 * records of 20 kinds, 150 duplicates and 100 late events. See {@link IngestionCheck} for what is verified.
 */
class IngestionIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @Test
    void everyRatingReachesUserStateAndEveryBadRecordTheDeadLetterTopicOnce(@TempDir Path checkpoints)
            throws Exception {
        MovieLensScenario scenario = MovieLensScenario.create(1_200, 150, 100, 20, 42L);
        assertThat(scenario.accepted).hasSize(100_836);

        IngestionCheck.runAndVerify(KAFKA.bootstrapServers(), "ingest", scenario, checkpoints);
    }
}
