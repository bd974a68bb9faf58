package io.streamrec.flink.publish;

import io.streamrec.schemas.validate.ViolationCode;
import java.time.Duration;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of {@link DeadLetteringKafkaSink}. Sends run asynchronously; their outcomes arrive on the producer's
 * I/O thread, which only records them: refused records are queued and routed (dead letter or resend) on the task
 * thread at the next write or flush, and the first fatal error is kept and thrown there.
 */
final class DeadLetteringKafkaWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteringKafkaWriter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** A record whose send failed; {@code error} null means it was refused for another record's sake. */
    private record Refusal(
            ProducerRecord<byte[], byte[]> record, @Nullable Exception error) {}

    private final Producer<byte[], byte[]> producer;
    private final KeyedRecordSerializationSchema<T> records;
    private final boolean flushOnCheckpoint;
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final SinkTopicWatch watch;
    private final Counter recordsSent;
    private final Counter sendErrors;

    DeadLetteringKafkaWriter(
            Properties producerConfig,
            KeyedRecordSerializationSchema<T> records,
            boolean flushOnCheckpoint,
            Duration stallTimeout,
            WriterInitContext context) {
        this(
                new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer()),
                producerConfig,
                records,
                flushOnCheckpoint,
                stallTimeout,
                context);
    }

    /** With the producer given: Kafka's {@code MockProducer} in the writer's tests. */
    DeadLetteringKafkaWriter(
            Producer<byte[], byte[]> producer,
            Properties producerConfig,
            KeyedRecordSerializationSchema<T> records,
            boolean flushOnCheckpoint,
            Duration stallTimeout,
            WriterInitContext context) {
        this.records = records;
        this.flushOnCheckpoint = flushOnCheckpoint;
        this.recordsSent = context.metricGroup().getNumRecordsSendCounter();
        this.sendErrors = context.metricGroup().getNumRecordsSendErrorsCounter();
        records.open(context.metricGroup());
        this.producer = producer;
        this.watch = new SinkTopicWatch(producerConfig, records.topicsWritten(), stallTimeout, this::failForGood);
    }

    @Override
    public void write(T element, Context context) {
        checkFailure();
        routeRefusals();
        ProducerRecord<byte[], byte[]> record = records.serialize(element, null, context.timestamp());
        if (record != null) {
            send(record);
        }
    }

    /**
     * Waits until every record sent so far is acknowledged, dead-lettered or counted as lost (at a checkpoint, with
     * at-least-once, and at the end of input), and throws the first fatal error.
     */
    @Override
    public void flush(boolean endOfInput) {
        if (flushOnCheckpoint || endOfInput) {
            do {
                producer.flush();
                checkFailure();
            } while (routeRefusals());
        }
        checkFailure();
    }

    @Override
    public void close() {
        watch.close();
        // never throws for an earlier failed send: that was thrown at the write or flush that noticed it
        producer.close(CLOSE_TIMEOUT);
    }

    private void send(ProducerRecord<byte[], byte[]> record) {
        watch.sending();
        try {
            producer.send(record, (metadata, error) -> completed(record, error));
        } catch (RuntimeException e) {
            watch.completed();
            checkFailure(); // the producer closed by the watch: its reason, not the producer's
            throw e;
        }
        recordsSent.inc();
    }

    /** On the producer's I/O thread: keep the outcome for the task thread. */
    private void completed(ProducerRecord<byte[], byte[]> record, @Nullable Exception error) {
        watch.completed();
        if (error == null) {
            return;
        }
        switch (SendErrors.of(error)) {
            case RECORD -> refusals.add(new Refusal(record, error));
            case BYSTANDER -> refusals.add(new Refusal(record, null));
            case TOPIC -> failForGood(new SinkTopicException(record.topic(), SendErrors.describe(error), error));
            case TRANSIENT ->
                failure.compareAndSet(
                        null,
                        new FlinkRuntimeException(
                                "Writing to Kafka topic '" + record.topic() + "' failed: " + SendErrors.describe(error),
                                error));
        }
    }

    /** Sends the dead letters of the refused records and resends their bystanders; true if there were any. */
    private boolean routeRefusals() {
        boolean any = false;
        Refusal refusal;
        while ((refusal = refusals.poll()) != null) {
            any = true;
            sendErrors.inc();
            ProducerRecord<byte[], byte[]> refused = refusal.record();
            if (refusal.error() == null) {
                send(refused);
            } else if (refused.topic().equals(records.topic())) {
                ProducerRecord<byte[], byte[]> letter = records.deadLetterFor(
                        refused, ViolationCode.BROKER_REFUSED, SendErrors.describe(refusal.error()));
                if (letter != null) {
                    send(letter);
                }
            } else {
                records.lost(refused, "the dead-letter topic refused it too: " + SendErrors.describe(refusal.error()));
            }
        }
        return any;
    }

    /** A topic that cannot be written: fail without restarts, and unblock a send or flush waiting on it. */
    private void failForGood(SinkTopicException problem) {
        if (failure.compareAndSet(null, new SuppressRestartsException(problem))) {
            LOG.error("{}; failing the job", problem.getMessage());
            producer.close(Duration.ZERO);
        }
    }

    private void checkFailure() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }
}
