package io.streamrec.launcher.runtime;

import io.streamrec.flink.job.KafkaAccess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a topic from its end on a daemon thread, as a read_committed consumer would see it, and hands every
 * record to a handler: the run's observers of its own output ({@link VectorLatency}, {@link ModelUpdatesWatch}).
 * The end is pinned when the tail starts, so nothing published afterwards is missed. A handler's failure stops the
 * tail with a WARN naming {@code what}; the run goes on without that figure.
 */
final class TopicTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    /** What a tail does with each record, on its own thread. */
    @FunctionalInterface
    interface RecordHandler {
        void accept(ConsumerRecord<byte[], byte[]> record) throws IOException;
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;

    /**
     * Starts following {@code topic}; {@code name} names the client and the thread, {@code what} the figure a
     * failure stops (e.g. "measuring event-to-vector latency").
     */
    TopicTail(KafkaAccess kafka, String topic, String name, String what, Duration pollTimeout, RecordHandler handler) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // pins the end now, before anything this run sends
        this.poller = new Thread(() -> follow(what, pollTimeout, handler), name);
        poller.setDaemon(true);
        poller.start();
    }

    private void follow(String what, Duration pollTimeout, RecordHandler handler) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                    handler.accept(record);
                }
            }
        } catch (WakeupException stopping) {
            // close() asked to stop
        } catch (IOException | RuntimeException e) {
            LOG.warn("Stopped {}: {}", what, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(5_000);
    }
}
