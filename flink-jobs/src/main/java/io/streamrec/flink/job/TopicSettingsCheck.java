package io.streamrec.flink.job;

import io.streamrec.flink.ingest.KafkaSettings;
import io.streamrec.flink.publish.KafkaSinks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the job's configuration with the settings of the topics it reads and writes, before it starts, so that
 * a conflict is a clear message at start-up rather than records refused one by one later:
 * <ul>
 *   <li>a topic the job writes must accept the largest record its producer may send: its {@code max.message.bytes}
 *       at least the producer's {@code max.request.size} (for {@code model-updates}, the trainer's chunk size plus
 *       framing);</li>
 *   <li>the job stamps what it writes with the time it sends it, and a record may wait up to the producer's
 *       {@code delivery.timeout.ms} before a broker sees it: a written topic that checks record timestamps
 *       ({@code message.timestamp.type=CreateTime}) must accept that old a timestamp
 *       ({@code message.timestamp.before.max.ms});</li>
 *   <li>the validator's future-skew bound must not exceed what the events topic accepts ahead of the clock
 *       ({@code message.timestamp.after.max.ms}): a producer that stamps records with their event time cannot write
 *       an event further ahead, and the job treats every producer alike.</li>
 * </ul>
 */
public final class TopicSettingsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSettingsCheck.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Kafka's producer default for {@code delivery.timeout.ms}. */
    static final long DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

    private TopicSettingsCheck() {}

    /**
     * Reads the settings of the job's topics and throws, listing every conflict with what to change.
     *
     * @throws IllegalArgumentException when the job and its topics disagree
     */
    public static void check(StreamrecJobConfig cfg) {
        List<String> problems = problems(cfg, read(cfg));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "The job's configuration conflicts with its Kafka topics:\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * Every conflict between {@code cfg} and {@code settings} (topic name to its settings, as Kafka describes them;
     * a topic or setting absent from it is not checked), each naming what to change; empty when none.
     */
    public static List<String> problems(StreamrecJobConfig cfg, Map<String, Map<String, String>> settings) {
        List<String> problems = new ArrayList<>();
        producerConfigs(cfg).forEach((topic, producer) -> {
            Map<String, String> topicSettings = settings.get(topic);
            if (topicSettings != null) {
                String smaller = topic.equals(cfg.topics().modelUpdates())
                        ? "the trainer's chunks plus 64 KiB of framing"
                        : "the producer's max.request.size";
                checkWritten(topic, producer, smaller, topicSettings, problems);
            }
        });
        Map<String, String> events = settings.get(cfg.topics().events());
        if (events != null
                && createTime(events)
                && events.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG) != null) {
            long afterMax = Long.parseLong(events.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG));
            long skew = cfg.validationLimits().maxFutureSkew().toMillis();
            if (skew > afterMax) {
                problems.add(String.format(
                        Locale.ROOT,
                        "the validator accepts events up to %,d ms ahead of the clock (--max-future-skew), but topic"
                                + " '%s' refuses record timestamps more than %,d ms ahead"
                                + " (message.timestamp.after.max.ms): lower --max-future-skew to at most %,d ms, or"
                                + " raise the topic's message.timestamp.after.max.ms",
                        skew,
                        cfg.topics().events(),
                        afterMax,
                        afterMax));
            }
        }
        return problems;
    }

    /** The producer configuration of each sink of {@code cfg}, by the topic it writes. */
    static Map<String, Properties> producerConfigs(StreamrecJobConfig cfg) {
        KafkaSettings kafka = cfg.kafka();
        Map<String, Properties> byTopic = new LinkedHashMap<>();
        byTopic.put(cfg.topics().eventsDlq(), kafka.producerConfig(Map.of()));
        if (cfg.get(JobOptions.PUBLISH_USER_FEATURES)) {
            byTopic.put(cfg.topics().userFeatures(), kafka.producerConfig(Map.of()));
        }
        if (cfg.get(JobOptions.VECTORS)) {
            byTopic.put(cfg.topics().userVectors(), kafka.producerConfig(Map.of()));
            byTopic.put(
                    cfg.topics().modelUpdates(),
                    kafka.producerConfig(KafkaSinks.modelUpdatesProducer(cfg.modelUpdatesMaxMessageBytes())));
        }
        return byTopic;
    }

    private static void checkWritten(
            String topic, Properties producer, String largest, Map<String, String> settings, List<String> problems) {
        String maxMessage = settings.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        int maxRequest = KafkaSinks.maxRequestSize(producer);
        if (maxMessage != null && Integer.parseInt(maxMessage) < maxRequest) {
            problems.add(String.format(
                    Locale.ROOT,
                    "topic '%s' accepts record batches of up to %,d bytes (max.message.bytes), but the job may send"
                            + " it records of up to %,d (%s): raise the topic's max.message.bytes to at least %d"
                            + " (kafka-configs.sh --alter --entity-type topics --entity-name %s --add-config"
                            + " max.message.bytes=%d)%s",
                    topic,
                    Integer.parseInt(maxMessage),
                    maxRequest,
                    largest,
                    maxRequest,
                    topic,
                    maxRequest,
                    largest.startsWith("the producer")
                            ? ", or lower max.request.size with --kafka-property max.request.size=" + maxMessage
                            : ""));
        }
        String beforeMax = settings.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        long delivery = deliveryTimeoutMs(producer);
        if (createTime(settings) && beforeMax != null && Long.parseLong(beforeMax) < delivery) {
            problems.add(String.format(
                    Locale.ROOT,
                    "topic '%s' refuses record timestamps more than %,d ms old (message.timestamp.before.max.ms), but"
                            + " the job stamps records when it sends them and the producer may deliver them up to"
                            + " %,d ms later (delivery.timeout.ms): raise the topic's message.timestamp.before.max.ms"
                            + " to at least %d, or set its message.timestamp.type to LogAppendTime",
                    topic,
                    Long.parseLong(beforeMax),
                    delivery,
                    delivery));
        }
    }

    private static boolean createTime(Map<String, String> settings) {
        String type = settings.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        return type == null || type.equals("CreateTime");
    }

    private static long deliveryTimeoutMs(Properties producer) {
        Object configured = producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        return configured == null
                ? DEFAULT_DELIVERY_TIMEOUT_MS
                : Long.parseLong(configured.toString().trim());
    }

    /** The settings of every topic of {@code cfg} that exists. */
    private static Map<String, Map<String, String>> read(StreamrecJobConfig cfg) {
        Map<String, Object> client = new HashMap<>();
        cfg.kafkaProperties().forEach((key, value) -> {
            // config providers resolve ${file:...} and ${env:...} in the settings (secrets kept out of the properties)
            if (AdminClientConfig.configNames().contains(key) || key.startsWith("config.providers")) {
                client.put(key, value);
            }
        });
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.get(JobOptions.BOOTSTRAP_SERVERS));
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        List<ConfigResource> resources = cfg.requiredTopics(1).stream()
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .toList();
        Map<String, Map<String, String>> settings = new HashMap<>();
        try (Admin admin = Admin.create(client)) {
            admin.describeConfigs(resources).values().forEach((resource, future) -> {
                try {
                    Config config = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    Map<String, String> values = new HashMap<>();
                    for (ConfigEntry entry : config.entries()) {
                        if (entry.value() != null) {
                            values.put(entry.name(), entry.value());
                        }
                    }
                    settings.put(resource.name(), values);
                } catch (ExecutionException | TimeoutException e) {
                    // a topic that is missing or may not be described is for the job's own errors to name
                    LOG.warn(
                            "Could not read the settings of topic '{}' ({}); not checked",
                            resource.name(),
                            e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return settings;
    }
}
