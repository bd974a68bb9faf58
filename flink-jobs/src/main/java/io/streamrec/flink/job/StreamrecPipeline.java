package io.streamrec.flink.job;

import io.streamrec.flink.ingest.DeadLetterRouter;
import io.streamrec.flink.ingest.EventTimeWatermarks;
import io.streamrec.flink.ingest.KafkaSinks;
import io.streamrec.flink.ingest.KafkaSources;
import io.streamrec.flink.state.UserStateFunction;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserProfile;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's ingestion and user-state graph (DESIGN.md §2):
 * <pre>
 *   events ─► decode + validate (per-partition watermarks) ─┬─► keyBy(userId) ─┐
 *   user-profiles ─► decode + validate ─────────────────────┼─► keyBy(userId) ─┴─► user state ─► FeatureSnapshot
 *                                                          │                          ├─► TrainingExample
 *                     refused, late, duplicate ◄───────────┴──────────────────────────┘
 *                              └─► events-dlq
 * </pre>
 * Every operator has a name and a stable uid ({@code UID_*}), so savepoints survive code changes. The
 * returned handle exposes the snapshot and training-example streams, to which the encoder and trainer attach.
 *
 * <pre>{@code
 * StreamrecJobConfig cfg = StreamrecJobConfig.builder().bootstrapServers(kafka).build();
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
 * StreamrecPipeline pipeline = StreamrecPipeline.build(env, cfg);
 * env.execute("streamrec");
 * }</pre>
 */
public final class StreamrecPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(StreamrecPipeline.class);

    public static final String UID_EVENTS_SOURCE = "events-source";
    public static final String UID_EVENTS_ROUTER = "events-dead-letter-router";
    public static final String UID_PROFILES_SOURCE = "user-profiles-source";
    public static final String UID_PROFILES_ROUTER = "user-profiles-dead-letter-router";
    public static final String UID_USER_STATE = "user-state";
    public static final String UID_DLQ_SINK = "events-dlq-sink";
    public static final String UID_USER_FEATURES_SINK = "user-features-sink";

    private final SingleOutputStreamOperator<FeatureSnapshot> featureSnapshots;
    private final DataStream<TrainingExample> trainingExamples;
    private final DataStream<DeadLetter> deadLetters;

    private StreamrecPipeline(SingleOutputStreamOperator<FeatureSnapshot> featureSnapshots,
                              DataStream<TrainingExample> trainingExamples, DataStream<DeadLetter> deadLetters) {
        this.featureSnapshots = featureSnapshots;
        this.trainingExamples = trainingExamples;
        this.deadLetters = deadLetters;
    }

    /**
     * Adds the graph to {@code env} (which it also configures from {@code cfg}: RocksDB, checkpoints,
     * parallelism, restore path), with the dead-letter sink and, when enabled, the user-features debug sink.
     */
    public static StreamrecPipeline build(StreamExecutionEnvironment env, StreamrecJobConfig cfg) {
        LOG.info("Building the streamrec pipeline with {}", cfg);
        env.configure(cfg.flinkConfiguration());

        SingleOutputStreamOperator<SourcedEvent> events = env
                .fromSource(KafkaSources.events(cfg),
                        EventTimeWatermarks.forEvents(cfg.maxOutOfOrderness(), cfg.effectiveSourceIdleness()),
                        "events source: " + cfg.topics().events())
                .uid(UID_EVENTS_SOURCE)
                .process(new DeadLetterRouter<>(new AvroTypeInfo<>(SourcedEvent.class)))
                .name("route refused events")
                .uid(UID_EVENTS_ROUTER);
        DataStream<DeadLetter> refused = events.getSideOutput(DeadLetterRouter.DEAD_LETTERS);

        DataStream<UserProfile> profiles;
        if (cfg.readProfiles()) {
            SingleOutputStreamOperator<UserProfile> decodedProfiles = env
                    .fromSource(KafkaSources.profiles(cfg), WatermarkStrategy.noWatermarks(),
                            "user-profiles source: " + cfg.topics().userProfiles())
                    .uid(UID_PROFILES_SOURCE)
                    .process(new DeadLetterRouter<>(new AvroTypeInfo<>(UserProfile.class)))
                    .name("route refused profiles")
                    .uid(UID_PROFILES_ROUTER);
            refused = refused.union(decodedProfiles.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
            profiles = decodedProfiles;
        } else {
            profiles = env.fromData(List.of(), new AvroTypeInfo<>(UserProfile.class)).name("no profiles");
        }

        SingleOutputStreamOperator<FeatureSnapshot> snapshots = UserStateOperator.apply(events, profiles, cfg.historyPolicy())
                .uid(UID_USER_STATE);

        DataStream<DeadLetter> allDeadLetters = refused.union(snapshots.getSideOutput(UserStateFunction.DEAD_LETTERS));
        allDeadLetters.sinkTo(KafkaSinks.deadLetters(cfg))
                .name("dead letters: " + cfg.topics().eventsDlq())
                .uid(UID_DLQ_SINK);
        if (cfg.publishUserFeatures()) {
            snapshots.sinkTo(KafkaSinks.userFeatures(cfg))
                    .name("user features (debug): " + cfg.topics().userFeatures())
                    .uid(UID_USER_FEATURES_SINK);
        }
        return new StreamrecPipeline(snapshots, snapshots.getSideOutput(UserStateFunction.TRAINING_EXAMPLES),
                allDeadLetters);
    }

    /** The features of each user after each applied event (feeds the encoder). */
    public SingleOutputStreamOperator<FeatureSnapshot> featureSnapshots() {
        return featureSnapshots;
    }

    /** The state before each applied event with that event as target (feeds the trainer). */
    public DataStream<TrainingExample> trainingExamples() {
        return trainingExamples;
    }

    /** Every refused record (decoding, late, duplicate), already sent to the dead-letter topic. */
    public DataStream<DeadLetter> deadLetters() {
        return deadLetters;
    }
}
