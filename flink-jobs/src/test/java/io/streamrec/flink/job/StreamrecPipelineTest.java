package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class StreamrecPipelineTest {

    @Test
    void everyOperatorOfTheFullGraphHasItsStableUid() {
        StreamGraph graph = graphOf(StreamrecJobConfig.builder().publishUserFeatures(true).build());

        assertThat(uids(graph)).contains(
                StreamrecPipeline.UID_EVENTS_SOURCE, StreamrecPipeline.UID_EVENTS_ROUTER,
                StreamrecPipeline.UID_PROFILES_SOURCE, StreamrecPipeline.UID_PROFILES_ROUTER,
                StreamrecPipeline.UID_USER_STATE);
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getOperatorName)
                .anyMatch(name -> name.contains("dead letters: events-dlq"))
                .anyMatch(name -> name.contains("user features (debug): user-features"));
    }

    @Test
    void withoutProfilesOrDebugTopicTheStateKeepsItsUid() {
        StreamGraph graph = graphOf(StreamrecJobConfig.builder().readProfiles(false).build());

        assertThat(uids(graph)).contains(StreamrecPipeline.UID_EVENTS_SOURCE, StreamrecPipeline.UID_USER_STATE)
                .doesNotContain(StreamrecPipeline.UID_PROFILES_SOURCE);
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getOperatorName)
                .noneMatch(name -> name.contains("user features"));
    }

    private static StreamGraph graphOf(StreamrecJobConfig cfg) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
        StreamrecPipeline.build(env, cfg);
        return env.getStreamGraph();
    }

    private static List<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).filter(Objects::nonNull).toList();
    }
}
