package io.streamrec.flink.job;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic streamrec needs: its name, partition count and whether it is log-compacted (latest value per key,
 * as for {@code user-profiles} and {@code user-vectors}). The replication factor is left to the broker's
 * {@code default.replication.factor} unless set, so the same spec works on a single-node and a real cluster.
 */
public record TopicSpec(String name, int partitions, Optional<Short> replicationFactor, boolean compacted) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "Topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException(
                        "Topic '" + name + "' needs a replication factor of at least 1, got " + rf);
            }
        });
    }

    /** A delete-policy (append-only) topic with the broker's default replication factor. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Optional.empty(), false);
    }

    /** A compacted topic (keeps the latest value per key) with the broker's default replication factor. */
    public static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(name, partitions, Optional.empty(), true);
    }

    public TopicSpec withReplicationFactor(short replicationFactor) {
        return new TopicSpec(name, partitions, Optional.of(replicationFactor), compacted);
    }

    NewTopic toNewTopic() {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), replicationFactor);
        if (compacted) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return topic;
    }
}
