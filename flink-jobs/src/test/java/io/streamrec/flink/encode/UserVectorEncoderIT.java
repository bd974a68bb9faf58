package io.streamrec.flink.encode;

import static io.streamrec.flink.encode.VectorAssertions.assertSameVector;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder wired as the job wires it ({@link UserVectorEncoderOperator#attach}), on a real MiniCluster with RocksDB and
 * checkpoints: two encoder subtasks, the model updates broadcast to both, a real DJL model from a real trainer.
 */
class UserVectorEncoderIT {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .build());

    @Test
    void everySnapshotOnEverySubtaskBecomesOneVectorOfTheBroadcastModel(@TempDir Path checkpoints) throws Exception {
        try (TrainedModel model = new TrainedModel(SdmEncoder.NAME, 4_000).train(4)) {
            List<FeatureSnapshot> snapshots = model.snapshots(600);
            List<ModelUpdate> full = model.full();
            List<EncodedUser> trainerVectors = model.encode(snapshots);

            Configuration conf = new Configuration();
            conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpoints.toUri().toString());
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(PARALLELISM);
            DataStream<FeatureSnapshot> spread = env.fromData(snapshots, new AvroTypeInfo<>(FeatureSnapshot.class))
                    .rebalance()
                    .filter(s -> true)
                    .name("spread over the subtasks");
            DataStream<ModelUpdate> updates =
                    env.fromData(full, new AvroTypeInfo<>(ModelUpdate.class)).setParallelism(1);

            List<UserVector> vectors = new ArrayList<>();
            try (CloseableIterator<UserVector> out = UserVectorEncoderOperator.attach(
                            spread,
                            updates,
                            EncoderOperatorConfig.builder()
                                    .set(EncoderOperatorConfig.MAX_BATCH_RECORDS, 64)
                                    .build())
                    .executeAndCollect()) {
                out.forEachRemaining(vectors::add);
            }

            Map<String, Integer> position = new HashMap<>();
            for (int i = 0; i < snapshots.size(); i++) {
                position.put(snapshots.get(i).getEventId(), i);
            }
            assertThat(vectors).hasSameSizeAs(snapshots);
            assertThat(vectors)
                    .extracting(UserVector::getEventId)
                    .doesNotHaveDuplicates()
                    .allMatch(position::containsKey);
            for (UserVector v : vectors) {
                assertThat(v.getModelVersion()).isEqualTo(full.get(0).getVersion());
                assertSameVector(v, trainerVectors.get(position.get(v.getEventId())));
            }
        }
    }
}
