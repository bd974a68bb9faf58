package io.streamrec.flink.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates streamrec's topics if they are absent, on the embedded broker or on an external cluster.
 * An existing topic is left as it is (its partitions are never changed: that would re-key the data),
 * but a partition count different from the requested one is logged, since keyed ordering depends on it.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Topics() {}

    /** Connects to {@code bootstrapServers}, creates the missing topics, and returns the names it created. */
    public static List<String> createIfAbsent(String bootstrapServers, Collection<TopicSpec> specs) {
        return createIfAbsent(KafkaAccess.plaintext(bootstrapServers), specs);
    }

    /** Connects as {@code kafka} says, creates the missing topics, and returns the names it created. */
    public static List<String> createIfAbsent(KafkaAccess kafka, Collection<TopicSpec> specs) {
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(props)) {
            return createIfAbsent(admin, specs);
        }
    }

    /** Creates the missing topics with {@code admin} and returns the names it created. */
    public static List<String> createIfAbsent(Admin admin, Collection<TopicSpec> specs) {
        if (specs.isEmpty()) {
            return List.of();
        }
        CreateTopicsResult result =
                admin.createTopics(specs.stream().map(TopicSpec::toNewTopic).toList());
        List<String> created = new ArrayList<>();
        List<TopicSpec> existing = new ArrayList<>();
        for (TopicSpec spec : specs) {
            try {
                result.values().get(spec.name()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                created.add(spec.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "Could not create topic '" + spec.name() + "': "
                                    + e.getCause().getMessage() + ". Check that the brokers are reachable and that "
                                    + "this client may create topics, or create it yourself.",
                            e.getCause());
                }
                existing.add(spec);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "Timed out after " + TIMEOUT.toSeconds() + " s creating topic '" + spec.name()
                                + "'. Check the bootstrap servers.",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic '" + spec.name() + "'", e);
            }
        }
        warnOnPartitionMismatch(admin, existing);
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        return created;
    }

    /**
     * Checks that {@code topic} can be written before anything is sent to it (it exists, or the broker creates topics
     * on first use) and returns the largest record batch it accepts ({@code max.message.bytes}), when it exists.
     *
     * @throws IllegalArgumentException naming what to change when the topic is missing on a broker that does not
     *     create topics, or this client may not use it
     * @throws IllegalStateException when the cluster cannot be asked
     */
    public static OptionalInt requireWritable(String bootstrapServers, String topic) {
        return requireWritable(KafkaAccess.plaintext(bootstrapServers), topic);
    }

    /** {@link #requireWritable(String, String)}, connecting as {@code kafka} says. */
    public static OptionalInt requireWritable(KafkaAccess kafka, String topic) {
        String bootstrapServers = kafka.bootstrapServers();
        try (Admin admin = admin(kafka)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            ConfigEntry limit = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return limit == null || limit.value() == null
                    ? OptionalInt.empty()
                    : OptionalInt.of(Integer.parseInt(limit.value()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                if (!brokersCreateTopics(kafka)) {
                    throw new IllegalArgumentException("Topic '" + topic + "' does not exist at " + bootstrapServers
                            + " and the brokers do not create topics on first use: create it (streamrec run creates"
                            + " the topics it uses), or name an existing one with --topic");
                }
                return OptionalInt.empty();
            } else if (e.getCause() instanceof AuthorizationException) {
                throw new IllegalArgumentException("This client may not use topic '" + topic + "' at "
                        + bootstrapServers + " (" + e.getCause().getMessage() + "): grant it DESCRIBE and WRITE on"
                        + " the topic, or name another with --topic");
            } else {
                throw new IllegalStateException(
                        "Could not describe topic '" + topic + "' at " + bootstrapServers + ": "
                                + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT.toSeconds()
                            + " s: check --bootstrap-servers and that the brokers are up",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topic '" + topic + "'", e);
        }
    }

    /** An admin client of {@code bootstrapServers}; an address Kafka cannot use is the caller's to fix. */
    private static Admin admin(KafkaAccess kafka) {
        String bootstrapServers = kafka.bootstrapServers();
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(
                    "--bootstrap-servers '" + bootstrapServers + "' is not a usable Kafka address ("
                            + cause.getMessage() + "): give host:port[,host:port...]",
                    e);
        }
    }

    /** Whether the cluster's brokers create a topic when a client first asks for it. */
    private static boolean brokersCreateTopics(KafkaAccess kafka) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            String node = admin.describeCluster()
                    .nodes()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .iterator()
                    .next()
                    .idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
            Config config = admin.describeConfigs(List.of(broker))
                    .all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(broker);
            ConfigEntry entry = config.get("auto.create.topics.enable");
            return entry == null || Boolean.parseBoolean(entry.value());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Could not read the brokers' auto.create.topics.enable: {}", e.toString());
            return true; // the producer will tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void warnOnPartitionMismatch(Admin admin, List<TopicSpec> existing) {
        if (existing.isEmpty()) {
            return;
        }
        try {
            Map<String, TopicDescription> described = admin.describeTopics(
                            existing.stream().map(TopicSpec::name).toList())
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (TopicSpec spec : existing) {
                int actual = described.get(spec.name()).partitions().size();
                if (actual != spec.partitions()) {
                    LOG.warn(
                            "Topic '{}' already exists with {} partitions, not the {} configured; it is used as is",
                            spec.name(),
                            actual,
                            spec.partitions());
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not describe existing topics {}: {}", existing, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
