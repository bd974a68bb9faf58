package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.flink.encode.EncoderOperatorConfig;
import io.streamrec.flink.state.MemtableBloomOptionsFactory;
import io.streamrec.flink.train.TrainerOperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
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
    void defaultsAreValidAndDocumented() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder().build();

        assertThat(cfg.problems()).isEmpty();
        assertThat(cfg.topics()).isEqualTo(TopicNames.defaults());
        assertThat(cfg.topics().events()).isEqualTo("events");
        assertThat(cfg.topics().eventsDlq()).isEqualTo("events-dlq");
        assertThat(cfg.startingOffsets()).isEqualTo(StreamrecJobConfig.StartingOffsets.EARLIEST);
        assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cfg.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(cfg.publishUserFeatures()).isFalse();
        assertThat(cfg.bounded()).isFalse();
        assertThat(cfg.effectiveTransactionalIdPrefix()).isEqualTo(cfg.consumerGroup());
        assertThat(cfg.effectiveSourceIdleness()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void boundedJobsNeverMarkSourcesIdle() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .bounded(true)
                .encodeUserVectors(false)
                .sourceIdleness(Duration.ofSeconds(5))
                .build();

        assertThat(cfg.sourceIdleness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.effectiveSourceIdleness()).isZero();
    }

    @Test
    void flinkConfigurationUsesRocksDbAndRetainedIncrementalCheckpoints(@TempDir Path dir) {
        Configuration conf = StreamrecJobConfig.builder()
                .checkpointDir(dir.resolve("chk"))
                .checkpointInterval(Duration.ofSeconds(3))
                .parallelism(3)
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
        assertThat(conf.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(StreamrecJobConfig.DEFAULT_MAX_PARALLELISM);
        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL))
                .isEqualTo(StreamrecJobConfig.DEFAULT_WATERMARK_INTERVAL);
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(StreamrecJobConfig.DEFAULT_BUFFER_TIMEOUT);
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

        Configuration never =
                StreamrecJobConfig.builder().restartAttempts(0).build().flinkConfiguration();
        assertThat(never.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void refusesRestartSettingsThatCannotWork() {
        StreamrecJobConfig.Builder b = StreamrecJobConfig.builder()
                .restartAttempts(-1)
                .restartInitialBackoff(Duration.ofSeconds(10))
                .restartMaxBackoff(Duration.ofSeconds(5));

        assertThatThrownBy(b::build)
                .hasMessageContaining("restartAttempts is -1: set it to 0 (never restart) or more (default 10)")
                .hasMessageContaining("restartMaxBackoff PT5S is shorter than restartInitialBackoff PT10S");
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .restartInitialBackoff(Duration.ZERO)
                        .build())
                .hasMessageContaining("restartInitialBackoff is PT0S: set it to a positive time");
    }

    @Test
    void watermarkIntervalAndBufferTimeoutReachFlink() {
        Configuration conf = StreamrecJobConfig.builder()
                .watermarkInterval(Duration.ofMillis(120))
                .bufferTimeout(Duration.ZERO)
                .build()
                .flinkConfiguration();

        assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(120));
        assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT))
                .as("0 flushes after every record")
                .isZero();
    }

    @Test
    void rocksDbMemoryReachesFlinkAndTooLittleIsRefusedWithTheDefault() {
        Configuration defaults = StreamrecJobConfig.builder().build().flinkConfiguration();
        assertThat(defaults.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("1gb"));
        assertThat(defaults.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("256mb"));

        Configuration set = StreamrecJobConfig.builder()
                .managedMemory(MemorySize.parse("300mb"))
                .rocksdbWriteBufferSize(MemorySize.parse("32mb"))
                .build()
                .flinkConfiguration();
        assertThat(set.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("300mb"));
        assertThat(set.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("32mb"));

        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .managedMemory(MemorySize.parse("8mb"))
                        .rocksdbWriteBufferSize(MemorySize.parse("100kb"))
                        .build())
                .hasMessageContaining("managedMemory is 8 mb")
                .hasMessageContaining("the default 1 gb")
                .hasMessageContaining("rocksdbWriteBufferSize is 100 kb");
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
                .rocksdbBloomFilter(false)
                .stateCompression(StateCompression.NONE)
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
    void aZeroWatermarkIntervalAndANegativeBufferTimeoutAreRefused() {
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .watermarkInterval(Duration.ZERO)
                        .bufferTimeout(Duration.ofMillis(-1))
                        .build())
                .hasMessageContaining("watermarkInterval is PT0S")
                .hasMessageContaining("bufferTimeout is PT-0.001S");
    }

    @Test
    void restorePathIsPassedToFlinkWhenItIsACompletedCheckpoint(@TempDir Path dir) throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("job").resolve("chk-7"));
        Files.writeString(checkpoint.resolve("_metadata"), "x");

        Configuration conf = StreamrecJobConfig.builder()
                .restoreFrom(checkpoint.toString())
                .build()
                .flinkConfiguration();

        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo(checkpoint.toString());
    }

    @Test
    void restorePathWithoutMetadataIsRefusedWithAHint(@TempDir Path dir) {
        assertThatThrownBy(() ->
                        StreamrecJobConfig.builder().restoreFrom(dir.toString()).build())
                .hasMessageContaining("restoreFrom")
                .hasMessageContaining("no _metadata file");
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .restoreFrom(dir.resolve("missing").toString())
                        .build())
                .hasMessageContaining("does not exist");
    }

    @Test
    void everyProblemIsReportedAtOnceWithWhatToChange() {
        StreamrecJobConfig.Builder builder = StreamrecJobConfig.builder()
                .bootstrapServers(" ")
                .parallelism(0)
                .checkpointInterval(Duration.ofMillis(10))
                .maxOutOfOrderness(Duration.ofSeconds(-1))
                .topics(TopicNames.defaults().withEventsDlq("events").withUserVectors("bad topic!"));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrapServers is empty")
                .hasMessageContaining("parallelism is 0: set it to 1 or more")
                .hasMessageContaining("checkpointInterval")
                .hasMessageContaining("maxOutOfOrderness")
                .hasMessageContaining("topics.eventsDlq and topics.events are both 'events'")
                .hasMessageContaining("topics.userVectors 'bad topic!' is not a legal Kafka topic name");
    }

    @Test
    void exactlyOnceNeedsATransactionTimeoutLongerThanTheCheckpointInterval() {
        StreamrecJobConfig.Builder builder = StreamrecJobConfig.builder()
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .checkpointInterval(Duration.ofMinutes(2))
                .transactionTimeout(Duration.ofMinutes(1));

        assertThatThrownBy(builder::build).hasMessageContaining("raise transactionTimeout");
        assertThat(builder.transactionTimeout(Duration.ofMinutes(5))
                        .transactionalIdPrefix("job-a")
                        .build()
                        .effectiveTransactionalIdPrefix())
                .isEqualTo("job-a");
    }

    @Test
    void kafkaPropertiesOwnedByTheJobCannotBeOverridden() {
        assertThatThrownBy(() -> StreamrecJobConfig.builder().kafkaProperty("group.id", "x"))
                .hasMessageContaining("set by the job itself");
        assertThat(StreamrecJobConfig.builder()
                        .kafkaProperty("security.protocol", "SSL")
                        .build()
                        .kafkaProperties())
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void toBuilderKeepsEveryOption(@TempDir Path dir) {
        StreamrecJobConfig original = StreamrecJobConfig.builder()
                .bootstrapServers("broker:9092")
                .consumerGroup("g")
                .bounded(true)
                .encodeUserVectors(false)
                .publishUserFeatures(true)
                .checkpointDir(dir)
                .sourceIdleness(Duration.ZERO)
                .kafkaProperty("client.rack", "r1")
                .build();

        assertThat(original.toBuilder().build()).hasToString(original.toString());
    }

    @Test
    void theModelLoopIsOnByDefaultWithItsTopicsSizedForTheTrainersChunks() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder().model("meanpool").build();

        assertThat(cfg.encodeUserVectors()).isTrue();
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
                .isGreaterThan(cfg.trainer().maxMessageBytes())
                .isEqualTo(cfg.modelUpdatesMaxMessageBytes());
        assertThat(StreamrecJobConfig.builder().encodeUserVectors(false).build().requiredTopics(3))
                .extracting(TopicSpec::name)
                .doesNotContain("user-vectors", "model-updates");
    }

    @Test
    void modelProblemsSayWhatToChange() {
        assertThatThrownBy(() -> StreamrecJobConfig.builder().model("lstm").build())
                .hasMessageContaining("model 'lstm' is unknown")
                .hasMessageContaining("sdm");
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .model("sine")
                        .trainer(TrainerOperatorConfig.builder().encoder("sdm").build())
                        .build())
                .hasMessageContaining("trainer is configured for 'sdm' but model is 'sine'");
        assertThatThrownBy(() -> StreamrecJobConfig.builder()
                        .model("sine")
                        .encoder(EncoderOperatorConfig.builder()
                                .encoder("meanpool")
                                .build())
                        .build())
                .hasMessageContaining("encoder is configured for 'meanpool' but model is 'sine'");
        assertThatThrownBy(() -> StreamrecJobConfig.builder().bounded(true).build())
                .hasMessageContaining("set encodeUserVectors to false");
        assertThat(StreamrecJobConfig.builder()
                        .model("lstm")
                        .encodeUserVectors(false)
                        .build()
                        .problems())
                .isEmpty();
    }
}
