package io.streamrec.flink.job;

import io.streamrec.flink.encode.UserVectorEncoderOperator;
import io.streamrec.flink.ingest.DeadLetterRouter;
import io.streamrec.flink.ingest.DeadLetterTopic;
import io.streamrec.flink.ingest.EventTimeWatermarks;
import io.streamrec.flink.ingest.KafkaSettings;
import io.streamrec.flink.ingest.KafkaSources;
import io.streamrec.flink.ingest.ModelUpdatesTail;
import io.streamrec.flink.publish.KafkaSinks;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.flink.train.TrainerOperator;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserProfile;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's ingestion and user-state graph (docs/design.md, "Architecture"):
 * <pre>
 *   events ─► decode + validate (per-partition watermarks) ─┬─► keyBy(userId) ─┐
 *   user-profiles ─► decode + validate ─────────────────────┼─► keyBy(userId) ─┴─► user state ─► FeatureSnapshot
 *                                                          │                          ├─► TrainingExample
 *                     refused, late, duplicate ◄───────────┴──────────────────────────┘
 *                              └─► events-dlq
 * </pre>
 * and, when {@link JobOptions#VECTORS} is on (the default), the model loop (docs/design.md, "Training" and "Model sync"):
 * <pre>
 *   TrainingExample ─► trainer (parallelism 1) ─► model-updates ─► model-updates source (earliest, parallelism 1)
 *   FeatureSnapshot ─(forward)─► encoder ◄─(broadcast)──────────────────────────────────────┘
 *                                   └─► user-vectors (compacted, keyed by userId)
 * </pre>
 * The trainer reaches the encoders through the topic, not through a cycle in the graph, so the encoders and the
 * serving app see the same ordered versions. Every operator has a name and a stable uid ({@code UID_*} here, and
 * {@link UserStateOperator#UID}, {@link TrainerOperator#UID}, {@link UserVectorEncoderOperator#UID} on the operators
 * that each capability attaches), so savepoints survive code changes.
 *
 * <pre>{@code
 * StreamrecJobConfig cfg = StreamrecJobConfig.builder().bootstrapServers(kafka).build();
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
 * StreamrecPipeline.build(env, cfg);
 * env.execute("streamrec");
 * }</pre>
 */
public final class StreamrecPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(StreamrecPipeline.class);

    public static final String UID_EVENTS_SOURCE = "events-source";
    public static final String UID_EVENTS_ROUTER = "events-dead-letter-router";
    public static final String UID_PROFILES_SOURCE = "user-profiles-source";
    public static final String UID_PROFILES_ROUTER = "user-profiles-dead-letter-router";
    public static final String UID_DLQ_SINK = "events-dlq-sink";
    public static final String UID_USER_FEATURES_SINK = "user-features-sink";
    public static final String UID_MODEL_UPDATES_SINK = "model-updates-sink";
    public static final String UID_MODEL_UPDATES_SOURCE = "model-updates-source";
    public static final String UID_USER_VECTORS_SINK = "user-vectors-sink";

    private StreamrecPipeline() {}

    /**
     * Adds the graph to {@code env} (which it also configures from {@code cfg}: RocksDB, checkpoints,
     * parallelism, restore path), with the dead-letter sink, when enabled the user-features debug sink, and
     * when enabled the trainer, the encoders and their topics.
     */
    public static void build(StreamExecutionEnvironment env, StreamrecJobConfig cfg) {
        build(env, cfg, cfg.flinkConfiguration());
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, StreamrecJobConfig)}, configuring {@code env} with {@code
     * flinkConfiguration} instead of all of {@code cfg}'s: on a cluster, whatever the user did not set is the
     * cluster's (checkpoint storage, parallelism, memory).
     */
    public static void build(StreamExecutionEnvironment env, StreamrecJobConfig cfg, Configuration flinkConfiguration) {
        LOG.info("Building the streamrec pipeline with {}", cfg);
        env.configure(flinkConfiguration);

        KafkaSettings kafka = cfg.kafka();
        DeadLetterTopic dlq = cfg.deadLetterTopic();
        SingleOutputStreamOperator<SourcedEvent> events = env.fromSource(
                        KafkaSources.events(
                                kafka, cfg.topics().events(), cfg.get(JobOptions.EVENT_FORMAT), cfg.validationLimits()),
                        EventTimeWatermarks.forEvents(
                                cfg.get(JobOptions.MAX_OUT_OF_ORDERNESS), cfg.effectiveSourceIdleness()),
                        "events source: " + cfg.topics().events())
                .uid(UID_EVENTS_SOURCE)
                .process(new DeadLetterRouter<>(new AvroTypeInfo<>(SourcedEvent.class)))
                .name("route refused events")
                .uid(UID_EVENTS_ROUTER);
        DataStream<DeadLetter> refused = events.getSideOutput(DeadLetterRouter.DEAD_LETTERS);

        DataStream<UserProfile> profiles;
        if (cfg.get(JobOptions.READ_PROFILES)) {
            SingleOutputStreamOperator<UserProfile> decodedProfiles = env.fromSource(
                            KafkaSources.profiles(
                                    kafka,
                                    cfg.topics().userProfiles(),
                                    cfg.get(JobOptions.EVENT_FORMAT),
                                    cfg.validationLimits()),
                            WatermarkStrategy.noWatermarks(),
                            "user-profiles source: " + cfg.topics().userProfiles())
                    .uid(UID_PROFILES_SOURCE)
                    .process(new DeadLetterRouter<>(new AvroTypeInfo<>(UserProfile.class)))
                    .name("route refused profiles")
                    .uid(UID_PROFILES_ROUTER);
            refused = refused.union(decodedProfiles.getSideOutput(DeadLetterRouter.DEAD_LETTERS));
            profiles = decodedProfiles;
        } else {
            // fromData(List.of()) fails at run time in Flink 2.2 (its generator reads past the empty collection)
            profiles = env.fromSequence(0, 0)
                    .name("no profiles")
                    .filter(n -> false)
                    .name("no profiles")
                    .map(n -> (UserProfile) null)
                    .returns(new AvroTypeInfo<>(UserProfile.class))
                    .name("no profiles");
        }

        SingleOutputStreamOperator<FeatureSnapshot> snapshots = UserStateOperator.attach(
                events,
                profiles,
                cfg.historyPolicy(),
                cfg.get(JobOptions.MAX_WAITING_EVENTS),
                cfg.get(JobOptions.APPLY_ORDER));

        DataStream<DeadLetter> allDeadLetters = refused.union(snapshots.getSideOutput(UserStateOperator.DEAD_LETTERS));
        allDeadLetters
                .sinkTo(KafkaSinks.deadLetters(kafka, dlq))
                .name("dead letters: " + cfg.topics().eventsDlq())
                .uid(UID_DLQ_SINK);
        if (cfg.get(JobOptions.PUBLISH_USER_FEATURES)) {
            snapshots
                    .sinkTo(KafkaSinks.userFeatures(kafka, cfg.topics().userFeatures(), dlq))
                    .name("user features (debug): " + cfg.topics().userFeatures())
                    .uid(UID_USER_FEATURES_SINK);
        }
        if (cfg.get(JobOptions.VECTORS)) {
            attachModelLoop(
                    env, cfg, kafka, dlq, snapshots, snapshots.getSideOutput(UserStateOperator.TRAINING_EXAMPLES));
        }
    }

    private static void attachModelLoop(
            StreamExecutionEnvironment env,
            StreamrecJobConfig cfg,
            KafkaSettings kafka,
            DeadLetterTopic dlq,
            DataStream<FeatureSnapshot> snapshots,
            DataStream<TrainingExample> examples) {
        // parallelism 1 like the trainer it chains to: one producer keeps the versions in order on the partition
        TrainerOperator.attach(
                        examples,
                        cfg.trainer(),
                        new ModelUpdatesTail(
                                cfg.get(JobOptions.BOOTSTRAP_SERVERS),
                                cfg.topics().modelUpdates(),
                                cfg.kafkaProperties()))
                .sinkTo(KafkaSinks.modelUpdates(
                        kafka, cfg.topics().modelUpdates(), cfg.modelUpdatesMaxMessageBytes(), dlq))
                .name("model updates: " + cfg.topics().modelUpdates())
                .uid(UID_MODEL_UPDATES_SINK)
                .setParallelism(1);
        DataStream<ModelUpdate> published = env.fromSource(
                        KafkaSources.modelUpdates(kafka, cfg.topics().modelUpdates()),
                        WatermarkStrategy.noWatermarks(),
                        "model-updates source: " + cfg.topics().modelUpdates())
                .uid(UID_MODEL_UPDATES_SOURCE)
                .setParallelism(1);
        UserVectorEncoderOperator.attach(snapshots, published, cfg.encoder())
                .sinkTo(KafkaSinks.userVectors(kafka, cfg.topics().userVectors(), dlq))
                .name("user vectors: " + cfg.topics().userVectors())
                .uid(UID_USER_VECTORS_SINK);
    }
}
