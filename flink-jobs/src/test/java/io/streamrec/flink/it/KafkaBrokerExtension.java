package io.streamrec.flink.it;

import io.streamrec.embedded.EmbeddedKafkaBroker;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded Kafka broker shared by every integration test class of the JVM (started on first use,
 * stopped when the test run ends). Tests isolate themselves by topic and consumer-group names, not brokers.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        "broker", key -> new SharedBroker(EmbeddedKafkaBroker.start()), SharedBroker.class)
                .broker();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public void createTopics(TopicSpec... topics) {
        Topics.createIfAbsent(broker.bootstrapServers(), List.of(topics));
    }

    /** Closes the broker when JUnit closes the root store, after the last test class. */
    private record SharedBroker(EmbeddedKafkaBroker broker) implements AutoCloseable {
        @Override
        public void close() {
            broker.close();
        }
    }
}
