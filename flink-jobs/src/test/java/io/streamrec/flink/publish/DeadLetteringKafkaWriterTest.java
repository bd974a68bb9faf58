package io.streamrec.flink.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.ingest.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the at-least-once writer routes each outcome of a send, with Kafka's {@code MockProducer} completing the sends
 * as a broker would: a refused record to the dead-letter topic with the broker's reason, a refused dead letter to the
 * lost counter, a bystander of a refused batch sent again, a topic-wide error failing the job without restarts, and
 * anything else failing the task for the restart strategy. (The same paths against a real broker: BrokerRefusalsIT,
 * RunWatchesItsJobIT.)
 */
class DeadLetteringKafkaWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BYSTANDER =
            "Failed to append record because it was part of a batch which had one more more invalid records";

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final KeyedRecordSerializationSchema<String> records = new KeyedRecordSerializationSchema<>(
            "user-vectors",
            s -> s.substring(0, s.indexOf(':')),
            s -> s.substring(s.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8),
            1 << 20,
            new KeyedRecordSerializationSchema.DeadLetterRoute(
                    "events-dlq", KafkaSinks.deadLetterEncoding(WireFormat.JSON), 1 << 20));
    private final DeadLetteringKafkaWriter<String> writer =
            new DeadLetteringKafkaWriter<>(producer, new Properties(), records, true, Duration.ofHours(1), CONTEXT);

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void aRecordTheBrokerRefusesGoesToTheDeadLetterTopicWithItsReasonAndTheRestIsWritten() throws Exception {
        writer.write("u1:refused", NO_CONTEXT);
        writer.write("u2:fine", NO_CONTEXT);
        assertThat(producer.errorNext(new InvalidTimestampException(
                        "Timestamp 1796657928364 of message with offset 24 is out of range")))
                .isTrue();

        writer.flush(false);

        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent)
                .extracting(ProducerRecord::topic)
                .containsExactly("user-vectors", "user-vectors", "events-dlq");
        JsonNode letter = JSON.readTree(sent.get(2).value());
        assertThat(new String(sent.get(2).key(), StandardCharsets.UTF_8)).isEqualTo("u1");
        assertThat(letter.get("reason").asText()).isEqualTo("broker-refused");
        assertThat(letter.get("reasons").get(0).asText())
                .isEqualTo("broker-refused: InvalidTimestampException: Timestamp 1796657928364 of message with offset"
                        + " 24 is out of range");
        assertThat(letter.get("payloadText").asText()).isEqualTo("refused");
        assertThat(letter.get("sourceTopic").asText()).isEqualTo("user-vectors");
        assertThat(records.deadLettered().getCount()).isEqualTo(1);
        assertThat(records.lost().getCount()).isZero();
        writer.write("u3:after", NO_CONTEXT); // the writer goes on
        assertThat(producer.history()).hasSize(4);
    }

    @Test
    void aDeadLetterTheDeadLetterTopicRefusesTooIsCountedAsLostAndTheWriterGoesOn() throws Exception {
        writer.write("u1:refused", NO_CONTEXT);
        producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes when serialized"));
        writer.write("u2:fine", NO_CONTEXT); // routes the refusal first: its dead letter, then u2
        assertThat(producer.history()).extracting(ProducerRecord::topic).endsWith("events-dlq", "user-vectors");
        producer.errorNext(new InvalidTimestampException("refused by the dead-letter topic as well"));

        writer.flush(false);

        assertThat(records.lost().getCount()).isEqualTo(1);
        assertThat(producer.history()).hasSize(3);
        writer.write("u3:after", NO_CONTEXT);
        writer.flush(false);
        assertThat(producer.history()).hasSize(4);
    }

    @Test
    void theOtherRecordsOfARefusedBatchAreSentAgain() throws Exception {
        writer.write("u1:bystander", NO_CONTEXT);
        producer.errorNext(new KafkaException(BYSTANDER));

        writer.flush(false);

        assertThat(producer.history())
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("bystander", "bystander");
        assertThat(records.deadLettered().getCount()).isZero();
    }

    @Test
    void aTopicThatCannotBeWrittenFailsTheJobWithoutRestartsNamingTheTopic() throws Exception {
        writer.write("u1:v", NO_CONTEXT);
        producer.errorNext(new TopicAuthorizationException(Set.of("user-vectors")));

        assertThatThrownBy(() -> writer.write("u2:v", NO_CONTEXT))
                .isInstanceOf(SuppressRestartsException.class)
                .cause()
                .isInstanceOf(SinkTopicException.class)
                .hasMessageContaining("'user-vectors'")
                .hasMessageContaining("TopicAuthorizationException");
        assertThat(producer.closed())
                .as("sends waiting on the topic are given up")
                .isTrue();
    }

    @Test
    void anyOtherErrorFailsTheTaskForTheRestartStrategy() throws Exception {
        writer.write("u1:v", NO_CONTEXT);
        producer.errorNext(new TimeoutException("Expiring 1 record(s) for user-vectors-0: 120000 ms has passed"));

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(FlinkRuntimeException.class)
                .isNotInstanceOf(SuppressRestartsException.class)
                .hasMessage("Writing to Kafka topic 'user-vectors' failed: TimeoutException: Expiring 1 record(s) for"
                        + " user-vectors-0: 120000 ms has passed");
        assertThat(records.deadLettered().getCount()).isZero();
    }

    @Test
    void aCheckpointWaitsUntilEverySendIsAcknowledged() throws Exception {
        writer.write("u1:v", NO_CONTEXT);
        writer.write("u2:v", NO_CONTEXT);
        assertThat(producer.flushed()).isFalse();

        writer.flush(false);

        assertThat(producer.flushed()).isTrue();
        assertThat(producer.completeNext()).as("nothing left in flight").isFalse();
    }

    private static final SinkWriter.Context NO_CONTEXT = new SinkWriter.Context() {
        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    };

    /** Only the metric group is used by the writer. */
    private static final WriterInitContext CONTEXT = new WriterInitContext() {
        private final SinkWriterMetricGroup metrics = UnregisteredMetricsGroup.createSinkWriterMetricGroup();

        @Override
        public SinkWriterMetricGroup metricGroup() {
            return metrics;
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public MailboxExecutor getMailboxExecutor() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProcessingTimeService getProcessingTimeService() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isObjectReuseEnabled() {
            return false;
        }

        @Override
        public <IN> TypeSerializer<IN> createInputSerializer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.empty();
        }

        @Override
        public JobInfo getJobInfo() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TaskInfo getTaskInfo() {
            throw new UnsupportedOperationException();
        }
    };
}
