package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidConfigException;
import io.streamrec.config.OptionTable;
import io.streamrec.flink.state.MemtableBloomOptionsFactory;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ingest.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamrecJobConfigTest {

    @Test
    void defaultsAreTheDeclaredOnes() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder().build();

        assertThat(cfg.topics())
                .isEqualTo(new TopicNames(
                        "events", "user-profiles", "events-dlq", "user-features", "user-vectors", "model-updates"));
        assertThat(cfg.get(JobOptions.STARTING_OFFSETS)).isEqualTo(StartingOffsets.EARLIEST);
        assertThat(cfg.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(cfg.get(JobOptions.MAX_OUT_OF_ORDERNESS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.get(JobOptions.DELIVERY_GUARANTEE)).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(cfg.get(JobOptions.PUBLISH_USER_FEATURES)).isFalse();
        assertThat(cfg.get(JobOptions.BOUNDED)).isFalse();
        assertThat(cfg.effectiveTransactionalIdPrefix()).isEqualTo("streamrec");
        assertThat(cfg.effectiveSourceIdleness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cfg.historyPolicy()).isEqualTo(HistoryPolicy.defaults());
        assertThat(cfg.trainer().encoder()).isEqualTo("sdm");
        assertThat(cfg.encoder().encoderName()).isEqualTo("sdm");
    }

    @Test
    void boundedJobsNeverMarkSourcesIdle() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(JobOptions.BOUNDED, true)
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.SOURCE_IDLENESS, Duration.ofSeconds(5))
                .build();

        assertThat(cfg.get(JobOptions.SOURCE_IDLENESS)).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.effectiveSourceIdleness()).isZero();
    }

    @Test
    void flinkConfigurationUsesRocksDbAndRetainedIncrementalCheckpoints(@TempDir Path dir) {
        Configuration conf = StreamrecJobConfig.builder()
                .set(JobOptions.CHECKPOINT_DIR, dir.resolve("chk").toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(3))
                .set(JobOptions.PARALLELISM, 3)
                .build()
                .flinkConfiguration();

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(dir.resolve("chk").toUri().toString());
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(3));
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
        assertThat(conf.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(200));
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aCheckpointDirWithASchemeIsKeptAsItIs() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(JobOptions.CHECKPOINT_DIR, "s3://bucket/streamrec/checkpoints")
                .build();

        assertThat(cfg.checkpointDirUri()).isEqualTo("s3://bucket/streamrec/checkpoints");
    }

    @Test
    void restartsWithABoundedExponentialDelayOrNotAtAll() {
        Configuration defaults = StreamrecJobConfig.builder().build().flinkConfiguration();
        assertThat(defaults.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(defaults.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(10);
        assertThat(defaults.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER))
                .isEqualTo(2.0);

        Configuration never = StreamrecJobConfig.builder()
                .set(JobOptions.RESTART_ATTEMPTS, 0)
                .build()
                .flinkConfiguration();
        assertThat(never.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void refusesRestartSettingsThatCannotWork() {
        StreamrecJobConfig.Builder b = StreamrecJobConfig.builder()
                .set(JobOptions.RESTART_ATTEMPTS, -1)
                .set(JobOptions.RESTART_INITIAL_BACKOFF, Duration.ofSeconds(10))
                .set(JobOptions.RESTART_MAX_BACKOFF, Duration.ofSeconds(5));

        assertThatThrownBy(b::build)
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "restart-attempts is -1: set it to at least 0",
                                        "restart-max-backoff 5s is shorter than restart-initial-backoff 10s: raise the longest"
                                                + " wait or lower the first"));
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(JobOptions.RESTART_INITIAL_BACKOFF, Duration.ZERO)
                        .build())
                .hasMessageContaining("restart-initial-backoff is 0s: set it to a positive duration");
    }

    @Test
    void watermarkIntervalAndBufferTimeoutReachFlink() {
        Configuration conf = StreamrecJobConfig.builder()
                .set(JobOptions.WATERMARK_INTERVAL, Duration.ofMillis(120))
                .set(JobOptions.BUFFER_TIMEOUT, Duration.ZERO)
                .build()
                .flinkConfiguration();

        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(120));
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT))
                .as("0 flushes after every record")
                .isZero();
    }

    @Test
    void rocksDbMemoryReachesFlinkAndTooLittleIsRefused() {
        Configuration defaults = StreamrecJobConfig.builder().build().flinkConfiguration();
        assertThat(defaults.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("1gb"));
        assertThat(defaults.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("256mb"));

        Configuration set = StreamrecJobConfig.builder()
                .set(JobOptions.MANAGED_MEMORY, MemorySize.parse("300mb"))
                .set(JobOptions.ROCKSDB_WRITE_BUFFER, MemorySize.parse("32mb"))
                .build()
                .flinkConfiguration();
        assertThat(set.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("300mb"));
        assertThat(set.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("32mb"));

        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(JobOptions.MANAGED_MEMORY, MemorySize.parse("8mb"))
                        .set(JobOptions.ROCKSDB_WRITE_BUFFER, MemorySize.parse("100kb"))
                        .build())
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "managed-memory is 8mb: set it to at least 16mb",
                                        "rocksdb-write-buffer is 100kb: set it to at least 1mb"));
    }

    @Test
    void rocksDbFiltersAndCompressionReachFlink() {
        Configuration defaults = StreamrecJobConfig.builder().build().flinkConfiguration();
        assertThat(defaults.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(defaults.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(org.rocksdb.CompressionType.LZ4_COMPRESSION);
        assertThat(new EmbeddedRocksDBStateBackend()
                        .configure(defaults, getClass().getClassLoader())
                        .getRocksDBOptions())
                .as("the memtable filters")
                .isInstanceOf(MemtableBloomOptionsFactory.class);

        Configuration set = StreamrecJobConfig.builder()
                .set(JobOptions.ROCKSDB_BLOOM_FILTER, false)
                .set(JobOptions.STATE_COMPRESSION, StateCompression.NONE)
                .build()
                .flinkConfiguration();
        assertThat(set.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isFalse();
        assertThat(new EmbeddedRocksDBStateBackend()
                        .configure(set, getClass().getClassLoader())
                        .getRocksDBOptions())
                .isNull();
        assertThat(set.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                .containsExactly(org.rocksdb.CompressionType.NO_COMPRESSION);
    }

    @Test
    void restorePathIsPassedToFlinkWhenItIsACompletedCheckpoint(@TempDir Path dir) throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("job").resolve("chk-7"));
        Files.writeString(checkpoint.resolve("_metadata"), "x");

        Configuration conf = StreamrecJobConfig.builder()
                .set(JobOptions.RESTORE_FROM, checkpoint.toString())
                .build()
                .flinkConfiguration();

        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(checkpoint.toString());
    }

    @Test
    void restorePathWithoutMetadataIsRefusedWithAHint(@TempDir Path dir) {
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(JobOptions.RESTORE_FROM, dir.toString())
                        .build())
                .hasMessageContaining("restore-from is " + dir)
                .hasMessageContaining("no _metadata file");
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(JobOptions.RESTORE_FROM, dir.resolve("missing").toString())
                        .build())
                .hasMessageContaining("it does not exist");
    }

    @Test
    void everyProblemIsReportedAtOnceWithWhatToChange() {
        Map<String, String> given = Map.of(
                "bootstrap-servers", " ",
                "parallelism", "0",
                "checkpoint-interval", "10ms",
                "watermark-interval", "0s",
                "dlq-topic", "events",
                "user-vectors-topic", "bad topic!",
                "trainer.batch-sise", "64",
                "trainer.sine.concepts", "100",
                "trainer.temperature", "0");
        // an unreadable or unknown setting does not hide the problems of the others

        assertThatThrownBy(() -> StreamrecJobConfig.fromStrings(given, OptionTable.Naming.COMMAND_LINE))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "--bootstrap-servers is empty: set it, e.g. to localhost:9092",
                                        "--parallelism is 0: set it to at least 1",
                                        "--checkpoint-interval is 10ms: set it to at least 100ms",
                                        "--watermark-interval is 0s: set it to a positive duration",
                                        "--user-vectors-topic is bad topic!: use a legal Kafka topic name: up to 249 letters,"
                                                + " digits, '.', '_' or '-'",
                                        "--dlq-topic and --events-topic are both 'events': give each its own topic",
                                        "unknown option --trainer-setting batch-sise: did you mean --trainer-setting"
                                                + " batch-size?",
                                        "--trainer-setting temperature is 0.0: set it to a finite number above 0",
                                        "--trainer-setting sine.concepts is a setting of the sine encoder, but the model is"
                                                + " sdm: drop it, or run model sine"))
                .hasMessageStartingWith("Invalid streamrec job configuration:\n  - ");
    }

    @Test
    void exactlyOnceNeedsATransactionTimeoutLongerThanTheCheckpointInterval() {
        StreamrecJobConfig.Builder builder = StreamrecJobConfig.builder()
                .set(JobOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE)
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMinutes(2))
                .set(JobOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(1));

        assertThatThrownBy(builder::build)
                .hasMessageContaining("transaction-timeout 1m is not longer than checkpoint-interval 2m: transactions"
                        + " stay open until the next checkpoint, so raise the timeout");
        assertThat(builder.set(JobOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(5))
                        .set(JobOptions.TRANSACTIONAL_ID_PREFIX, "job-a")
                        .build()
                        .effectiveTransactionalIdPrefix())
                .isEqualTo("job-a");
    }

    @Test
    void kafkaPropertiesOwnedByTheJobCannotBeOverridden() {
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(JobOptions.KAFKA_PROPERTIES, Map.of("group.id", "x"))
                        .build())
                .hasMessageContaining("kafka-property is group.id=x: drop the properties the job sets");
        assertThat(StreamrecJobConfig.builder()
                        .set(JobOptions.KAFKA_PROPERTIES, Map.of("security.protocol", "SSL"))
                        .build()
                        .get(JobOptions.KAFKA_PROPERTIES))
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void toBuilderKeepsEveryOption(@TempDir Path dir) {
        StreamrecJobConfig original = StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, "broker:9092")
                .set(JobOptions.CONSUMER_GROUP, "g")
                .set(JobOptions.BOUNDED, true)
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                .set(JobOptions.CHECKPOINT_DIR, dir.toString())
                .set(JobOptions.SOURCE_IDLENESS, Duration.ZERO)
                .set(JobOptions.KAFKA_PROPERTIES, Map.of("client.rack", "r1"))
                .build();

        assertThat(original.toBuilder().build().settings()).isEqualTo(original.settings());
    }

    @Test
    void theModelLoopIsOnByDefaultWithItsTopicsSizedForTheTrainersChunks() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(ModelSettings.MODEL, "meanpool")
                .build();

        assertThat(cfg.get(JobOptions.VECTORS)).isTrue();
        assertThat(cfg.trainer().encoder()).isEqualTo("meanpool");
        assertThat(cfg.encoder().encoderName()).isEqualTo("meanpool");
        List<TopicSpec> topics = cfg.requiredTopics(3);
        assertThat(topics).contains(TopicSpec.compacted("user-vectors", 3));
        TopicSpec updates = topics.stream()
                .filter(t -> t.name().equals("model-updates"))
                .findFirst()
                .orElseThrow();
        assertThat(updates.partitions()).isEqualTo(1);
        assertThat(updates.maxMessageBytes().getAsInt())
                .isGreaterThan(cfg.trainer().get(TrainerOperatorConfig.MAX_MESSAGE_BYTES))
                .isEqualTo(cfg.modelUpdatesMaxMessageBytes());
        assertThat(StreamrecJobConfig.builder()
                        .set(JobOptions.VECTORS, false)
                        .build()
                        .requiredTopics(3))
                .extracting(TopicSpec::name)
                .doesNotContain("user-vectors", "model-updates");
    }

    @Test
    void theModelIsNamedOnceAndTheTrainerAndEncodersTakeItsSettings() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(ModelSettings.MODEL, "sine")
                .set(ModelSettings.SETTINGS, Map.of("batch-size", "64", "sine.interests", "2"))
                .build();

        assertThat(cfg.trainer().encoder()).isEqualTo("sine");
        assertThat(cfg.trainer().trainerConfig().get(TrainerOptions.BATCH_SIZE)).isEqualTo(64);
        assertThat(cfg.encoder().encoderName()).isEqualTo("sine");
        assertThat(cfg.trainer()
                        .encoderFactory()
                        .apply(cfg.trainer().trainerConfig().encoderDimensions()))
                .satisfies(encoder -> assertThat(encoder.interestCount()).isEqualTo(2));
    }

    @Test
    void modelProblemsSayWhatToChange() {
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .set(ModelSettings.MODEL, "lstm")
                        .set(JobOptions.BOUNDED, true)
                        .build())
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "model is lstm: choose one of [sdm, sine, meanpool]",
                                        "bounded is set, but the encoders follow model-updates for as long as the job runs,"
                                                + " so it would never finish: turn vectors off for a bounded ingestion-only"
                                                + " replay, or run unbounded and cancel the job"));
    }

    @Test
    void aFlinkConfigurationConfiguresTheJobByItsStreamrecKeys() {
        Configuration flink = new Configuration();
        flink.setString("streamrec.checkpoint-interval", "5 s");
        flink.setString("streamrec.parallelism", "4");
        flink.setString("streamrec.kafka.security.protocol", "SSL");
        flink.setString("streamrec.trainer.batch-size", "64");
        flink.setString("parallelism.default", "7"); // Flink's own keys are Flink's

        StreamrecJobConfig cfg = StreamrecJobConfig.fromFlinkConfiguration(flink);

        assertThat(cfg.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.get(JobOptions.PARALLELISM)).isEqualTo(4);
        assertThat(cfg.get(JobOptions.KAFKA_PROPERTIES)).containsEntry("security.protocol", "SSL");
        assertThat(cfg.trainer().batchSize()).isEqualTo(64);
        assertThat(StreamrecJobConfig.fromFlinkConfiguration(cfg.flinkConfiguration())
                        .settings())
                .as("the job's Flink configuration carries its settings")
                .isEqualTo(cfg.settings());

        flink.setString("streamrec.parallelism", "0");
        flink.setString("streamrec.trainer.batch-size", "many");
        assertThatThrownBy(() -> StreamrecJobConfig.fromFlinkConfiguration(flink))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "streamrec.parallelism is 0: set it to at least 1",
                                        "streamrec.trainer.batch-size is 'many', not a whole number"));
    }

    @Test
    void aClustersConfigYamlConfiguresTheJob(@TempDir Path confDir) throws Exception {
        Files.writeString(confDir.resolve("config.yaml"), """
                parallelism.default: 2
                streamrec:
                  checkpoint-interval: 30s
                  event-format: avro
                  trainer:
                    batch-size: 128
                """);

        StreamrecJobConfig cfg =
                StreamrecJobConfig.fromFlinkConfiguration(GlobalConfiguration.loadConfiguration(confDir.toString()));

        assertThat(cfg.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.get(JobOptions.EVENT_FORMAT)).isEqualTo(WireFormat.AVRO);
        assertThat(cfg.trainer().batchSize()).isEqualTo(128);
    }

    @Test
    void theJobJarTakesFlinkKeysAndArgumentsWhichWin() {
        Configuration flink = new Configuration();
        flink.setString("streamrec.parallelism", "4");
        flink.setString("streamrec.read-profiles", "true");

        StreamrecJobConfig cfg = StreamrecJob.configuration(
                new String[] {
                    "--parallelism", "6", "--no-read-profiles", "--kafka-property", "acks=all", "--delta-interval=5s"
                },
                flink);

        assertThat(cfg.get(JobOptions.PARALLELISM)).isEqualTo(6);
        assertThat(cfg.get(JobOptions.READ_PROFILES)).isFalse();
        assertThat(cfg.get(JobOptions.KAFKA_PROPERTIES)).containsEntry("acks", "all");
        assertThat(cfg.trainer().get(TrainerOperatorConfig.DELTA_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void onAClusterTheJobLeavesParallelismCheckpointStorageAndMemoryToTheClusterUnlessGiven() {
        Configuration defaults =
                StreamrecJob.clusterConfiguration(StreamrecJob.configuration(new String[0], new Configuration()));

        assertThat(defaults.getOptional(CoreOptions.DEFAULT_PARALLELISM)).isEmpty();
        assertThat(defaults.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEmpty();
        assertThat(defaults.getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEmpty();
        assertThat(defaults.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");

        Configuration given = StreamrecJob.clusterConfiguration(StreamrecJob.configuration(
                new String[] {"--parallelism", "8", "--checkpoint-dir", "s3://bucket/checkpoints"},
                new Configuration()));

        assertThat(given.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(8);
        assertThat(given.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://bucket/checkpoints");
    }
}
