package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.encode.UserVectorEncoderOperator;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.flink.train.TrainerOperator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class StreamrecPipelineTest {

    @Test
    void everyOperatorOfTheFullGraphHasItsStableUid() {
        StreamGraph graph = graphOf(StreamrecJobConfig.builder()
                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                .build());

        assertThat(uids(graph))
                .contains(
                        StreamrecPipeline.UID_EVENTS_SOURCE,
                        StreamrecPipeline.UID_EVENTS_ROUTER,
                        StreamrecPipeline.UID_PROFILES_SOURCE,
                        StreamrecPipeline.UID_PROFILES_ROUTER,
                        UserStateOperator.UID,
                        TrainerOperator.UID,
                        StreamrecPipeline.UID_MODEL_UPDATES_SINK,
                        StreamrecPipeline.UID_MODEL_UPDATES_SOURCE,
                        UserVectorEncoderOperator.UID,
                        StreamrecPipeline.UID_USER_VECTORS_SINK);
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getOperatorName)
                .anyMatch(name -> name.contains("dead letters: events-dlq"))
                .anyMatch(name -> name.contains("user vectors: user-vectors"))
                .anyMatch(name -> name.contains("user features (debug): user-features"));
    }

    @Test
    void theTrainerAndTheModelUpdatesRunAtParallelismOneAndTheEncodersBesideTheUserState() {
        StreamGraph graph = graphOf(
                StreamrecJobConfig.builder().set(JobOptions.PARALLELISM, 2).build());

        assertThat(parallelismOf(graph, TrainerOperator.UID)).isEqualTo(1);
        assertThat(parallelismOf(graph, StreamrecPipeline.UID_MODEL_UPDATES_SOURCE))
                .isEqualTo(1);
        assertThat(graph.getStreamNodes())
                .filteredOn(n -> n.getOperatorName().contains("model updates: model-updates"))
                .extracting(StreamNode::getParallelism)
                .containsOnly(1);
        assertThat(parallelismOf(graph, UserVectorEncoderOperator.UID))
                .isEqualTo(parallelismOf(graph, UserStateOperator.UID))
                .isEqualTo(2);
    }

    @Test
    void ingestionOnlyLeavesOutTheModelLoop() {
        StreamGraph graph = graphOf(
                StreamrecJobConfig.builder().set(JobOptions.VECTORS, false).build());

        assertThat(uids(graph))
                .contains(UserStateOperator.UID)
                .doesNotContain(
                        TrainerOperator.UID, UserVectorEncoderOperator.UID, StreamrecPipeline.UID_MODEL_UPDATES_SOURCE);
    }

    @Test
    void withoutProfilesOrDebugTopicTheStateKeepsItsUid() {
        StreamGraph graph = graphOf(StreamrecJobConfig.builder()
                .set(JobOptions.READ_PROFILES, false)
                .build());

        assertThat(uids(graph))
                .contains(StreamrecPipeline.UID_EVENTS_SOURCE, UserStateOperator.UID)
                .doesNotContain(StreamrecPipeline.UID_PROFILES_SOURCE);
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getOperatorName)
                .noneMatch(name -> name.contains("user features"));
    }

    private static StreamGraph graphOf(StreamrecJobConfig cfg) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
        StreamrecPipeline.build(env, cfg);
        return env.getStreamGraph();
    }

    private static int parallelismOf(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream()
                .filter(n -> uid.equals(n.getTransformationUID()))
                .findFirst()
                .orElseThrow()
                .getParallelism();
    }

    private static List<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .filter(Objects::nonNull)
                .toList();
    }
}
