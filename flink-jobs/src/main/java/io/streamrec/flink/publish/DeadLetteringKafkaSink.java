package io.streamrec.flink.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * A Kafka sink for at-least-once (or no) delivery in which one record the broker refuses does not fail the job.
 *
 * <p>Flink's {@code KafkaSink} keeps the first failed send and rethrows it at the next write or flush, whatever it
 * was, so a single record the broker refuses (its timestamp out of the topic's window, too large, corrupt) fails the
 * task, and after a restart fails it again. This sink's writer tells the errors apart ({@link SendErrors}):
 * <ul>
 *   <li>a record refused for its own sake goes to the dead-letter topic with the broker's reason
 *       ({@code broker-refused}), through the same producer; if that is refused too it is counted and logged;</li>
 *   <li>the records of the same batch that were refused only for its sake are sent again;</li>
 *   <li>a topic that cannot be written at all (deleted, not authorised) fails the job for good, with one message
 *       naming the topic, since a restart cannot help; such a topic is also noticed when sends stall, sooner than
 *       the producer's own timeouts would say;</li>
 *   <li>anything else fails the task, and the job's restart strategy restarts it from its last checkpoint.</li>
 * </ul>
 * At a checkpoint the writer flushes until every record is acknowledged or dead-lettered, so the guarantee is the
 * same at-least-once as Flink's sink. Exactly-once uses Flink's transactional sink: there a refused record would
 * abort the whole transaction, so {@link KeyedRecordSerializationSchema} keeps what can be known before sending
 * (record size, timestamps) from being refused in the first place.
 */
public final class DeadLetteringKafkaSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final Properties producerConfig;
    private final KeyedRecordSerializationSchema<T> records;
    private final DeliveryGuarantee deliveryGuarantee;
    private final Duration stallTimeout;

    /**
     * @param producerConfig the Kafka producer's configuration, {@code bootstrap.servers} included
     * @param deliveryGuarantee {@link DeliveryGuarantee#AT_LEAST_ONCE} (flush at every checkpoint) or
     *     {@link DeliveryGuarantee#NONE}
     * @param stallTimeout how long sends may go unacknowledged before the writer checks that its topics still exist
     *     and may be written
     */
    DeadLetteringKafkaSink(
            Properties producerConfig,
            KeyedRecordSerializationSchema<T> records,
            DeliveryGuarantee deliveryGuarantee,
            Duration stallTimeout) {
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new IllegalArgumentException("exactly-once needs Kafka transactions: use Flink's KafkaSink");
        }
        this.producerConfig = Objects.requireNonNull(producerConfig, "producerConfig");
        this.records = Objects.requireNonNull(records, "records");
        this.deliveryGuarantee = deliveryGuarantee;
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new DeadLetteringKafkaWriter<>(
                producerConfig, records, deliveryGuarantee == DeliveryGuarantee.AT_LEAST_ONCE, stallTimeout, context);
    }
}
