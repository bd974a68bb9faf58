package io.streamrec.flink.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class SendErrorsTest {

    @Test
    void errorsTiedToOneRecordAreTheRecordsAlone() {
        assertThat(SendErrors.of(new InvalidTimestampException("Timestamp 1 of message is out of range")))
                .isEqualTo(SendErrors.RECORD);
        assertThat(SendErrors.of(new RecordTooLargeException("too large"))).isEqualTo(SendErrors.RECORD);
        assertThat(SendErrors.of(new RecordBatchTooLargeException("too large"))).isEqualTo(SendErrors.RECORD);
        assertThat(SendErrors.of(new CorruptRecordException("crc"))).isEqualTo(SendErrors.RECORD);
        assertThat(SendErrors.of(new InvalidRecordException("Compacted topic cannot accept message without key")))
                .isEqualTo(SendErrors.RECORD);
    }

    @Test
    void theOtherRecordsOfARefusedBatchAreBystandersToSendAgain() {
        // the message Kafka's Sender gives them (Sender.failBatch)
        assertThat(SendErrors.of(new KafkaException(
                        "Failed to append record because it was part of a batch which had one more more invalid"
                                + " records")))
                .isEqualTo(SendErrors.BYSTANDER);
        assertThat(SendErrors.of(new KafkaException("Producer is closed forcefully.")))
                .isEqualTo(SendErrors.TRANSIENT);
    }

    @Test
    void errorsOfAWholeTopicAreForGoodAndTheRestMayPassWithARestart() {
        assertThat(SendErrors.of(new TopicAuthorizationException(Set.of("user-vectors"))))
                .isEqualTo(SendErrors.TOPIC);
        assertThat(SendErrors.of(new UnknownTopicOrPartitionException("gone"))).isEqualTo(SendErrors.TOPIC);
        assertThat(SendErrors.of(new TimeoutException("Expiring 3 record(s)"))).isEqualTo(SendErrors.TRANSIENT);
        assertThat(SendErrors.of(new NotLeaderOrFollowerException("moved"))).isEqualTo(SendErrors.TRANSIENT);
    }
}
