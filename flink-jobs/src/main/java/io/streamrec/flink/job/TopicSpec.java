package io.streamrec.flink.job;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic streamrec needs: its name, partition count and whether it is log-compacted (latest value per key,
 * as for {@code user-profiles} and {@code user-vectors}). The replication factor is left to the broker's
 * {@code default.replication.factor} unless set, so the same spec works on a single-node and a real cluster.
 * {@code maxMessageBytes}, when set, raises the topic's {@code max.message.bytes} (as {@code model-updates} needs
 * for the trainer's chunks).
 */
public record TopicSpec(
        String name,
        int partitions,
        Optional<Short> replicationFactor,
        boolean compacted,
        OptionalInt maxMessageBytes) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException(
                        "Topic '" + name + "' needs a replication factor of at least 1, got " + rf);
            }
        });
        maxMessageBytes.ifPresent(bytes -> {
            if (bytes < 1) {
                throw new IllegalArgumentException(
                        "Topic '" + name + "' needs a positive max.message.bytes, got " + bytes);
            }
        });
    }

    /** A delete-policy (append-only) topic with the broker's default replication factor. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, Optional.empty(), false, OptionalInt.empty());
    }

    /** A compacted topic (keeps the latest value per key) with the broker's default replication factor. */
    public static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(name, partitions, Optional.empty(), true, OptionalInt.empty());
    }

    public TopicSpec withReplicationFactor(short replicationFactor) {
        return new TopicSpec(name, partitions, Optional.of(replicationFactor), compacted, maxMessageBytes);
    }

    /** The same topic accepting record batches up to {@code bytes} ({@code max.message.bytes}). */
    public TopicSpec withMaxMessageBytes(int bytes) {
        return new TopicSpec(name, partitions, replicationFactor, compacted, OptionalInt.of(bytes));
    }

    NewTopic toNewTopic() {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), replicationFactor);
        Map<String, String> configs = new HashMap<>();
        if (compacted) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        maxMessageBytes.ifPresent(bytes -> configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)));
        return topic.configs(configs);
    }
}
