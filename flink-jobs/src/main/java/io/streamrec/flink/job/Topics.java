package io.streamrec.flink.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
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
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis()))) {
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
