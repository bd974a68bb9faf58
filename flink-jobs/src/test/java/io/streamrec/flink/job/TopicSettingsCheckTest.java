package io.streamrec.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSettingsCheckTest {

    private final StreamrecJobConfig cfg = StreamrecJobConfig.builder().build();

    @Test
    void kafkasDefaultTopicSettingsFitTheDefaultJob() {
        assertThat(TopicSettingsCheck.problems(cfg, kafkaDefaults())).isEmpty();
    }

    @Test
    void aWrittenTopicThatAcceptsLessThanTheProducerMaySendIsRefusedWithBothSizesAndTheFix() {
        Map<String, Map<String, String>> settings = kafkaDefaults();
        settings.get("user-vectors").put("max.message.bytes", "100000");
        settings.get("model-updates").put("max.message.bytes", "500000");

        assertThat(TopicSettingsCheck.problems(cfg, settings))
                .containsExactlyInAnyOrder(
                        "topic 'user-vectors' accepts record batches of up to 100,000 bytes (max.message.bytes), but"
                                + " the job may send it records of up to 1,048,576 (the producer's max.request.size):"
                                + " raise the topic's max.message.bytes to at least 1048576 (kafka-configs.sh --alter"
                                + " --entity-type topics --entity-name user-vectors --add-config"
                                + " max.message.bytes=1048576), or lower max.request.size with --kafka-property"
                                + " max.request.size=100000",
                        "topic 'model-updates' accepts record batches of up to 500,000 bytes (max.message.bytes),"
                                + " but the job may send it records of up to 987,136 (the trainer's chunks plus 64 KiB"
                                + " of framing): raise the topic's max.message.bytes to at least 987136"
                                + " (kafka-configs.sh --alter --entity-type topics --entity-name model-updates"
                                + " --add-config max.message.bytes=987136)");
        assertThat(cfg.modelUpdatesMaxMessageBytes()).isEqualTo(987_136);
    }

    @Test
    void aWrittenTopicThatRefusesTimestampsAsOldAsTheDeliveryTimeoutIsRefusedUnlessItStampsItself() {
        Map<String, Map<String, String>> settings = kafkaDefaults();
        settings.get("events-dlq").put("message.timestamp.before.max.ms", "60000");

        assertThat(TopicSettingsCheck.problems(cfg, settings))
                .singleElement()
                .asString()
                .startsWith("topic 'events-dlq' refuses record timestamps more than 60,000 ms old")
                .endsWith("raise the topic's message.timestamp.before.max.ms to at least 120000, or set its"
                        + " message.timestamp.type to LogAppendTime");

        settings.get("events-dlq").put("message.timestamp.type", "LogAppendTime");
        assertThat(TopicSettingsCheck.problems(cfg, settings)).isEmpty();
    }

    @Test
    void theFutureSkewMustFitWhatTheEventsTopicAcceptsAheadOfTheClock() {
        Map<String, Map<String, String>> settings = kafkaDefaults();
        settings.get("events").put("message.timestamp.after.max.ms", "60000");

        assertThat(TopicSettingsCheck.problems(cfg, settings))
                .containsExactly("the validator accepts events up to 300,000 ms ahead of the clock (--max-future-skew),"
                        + " but topic 'events' refuses record timestamps more than 60,000 ms ahead"
                        + " (message.timestamp.after.max.ms): lower --max-future-skew to at most 60,000 ms, or raise"
                        + " the topic's message.timestamp.after.max.ms");

        StreamrecJobConfig within = cfg.toBuilder()
                .set(JobOptions.MAX_FUTURE_SKEW, Duration.ofMinutes(1))
                .build();
        assertThat(TopicSettingsCheck.problems(within, settings)).isEmpty();
    }

    @Test
    void topicsItDoesNotWriteAreNotCheckedForSizes() {
        Map<String, Map<String, String>> settings = kafkaDefaults();
        settings.get("user-features").put("max.message.bytes", "1000");

        assertThat(TopicSettingsCheck.problems(cfg, settings))
                .as("user-features is off by default")
                .isEmpty();
        assertThat(TopicSettingsCheck.problems(
                        cfg.toBuilder()
                                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                                .build(),
                        settings))
                .singleElement()
                .asString()
                .startsWith("topic 'user-features' accepts record batches of up to 1,000 bytes");
    }

    /** Every topic of the default job with Kafka 4's default settings, as a broker describes them. */
    private static Map<String, Map<String, String>> kafkaDefaults() {
        Map<String, Map<String, String>> settings = new HashMap<>();
        for (String topic :
                new String[] {"events", "events-dlq", "user-profiles", "user-features", "user-vectors", "model-updates"
                }) {
            Map<String, String> values = new HashMap<>();
            values.put("max.message.bytes", "1048588");
            values.put("message.timestamp.type", "CreateTime");
            values.put("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
            values.put("message.timestamp.after.max.ms", "3600000");
            settings.put(topic, values);
        }
        settings.get("model-updates").put("max.message.bytes", "1048576");
        return settings;
    }
}
