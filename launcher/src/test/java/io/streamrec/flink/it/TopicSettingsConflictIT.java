package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.launcher.cli.StreamrecCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamrec run} against a Kafka whose topics conflict with the job refuses to start, before any Flink job
 * exists, with one message listing every conflict and what to change: an events topic that accepts record timestamps
 * less far ahead than the validator accepts event times, and a vectors topic smaller than the records the job may
 * write to it. Started anyway, the first would let events through that no producer stamping event time could have
 * written, and the second would have the broker refuse vectors one by one.
 */
class TopicSettingsConflictIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void runRefusesToStartWithEveryConflictAndItsFix(@TempDir Path dir) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic("conflict-events", 2, (short) 1)
                                    .configs(Map.of("message.timestamp.after.max.ms", "60000")),
                            new NewTopic("conflict-vectors", 2, (short) 1)
                                    .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", "100000"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "run",
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--events-topic",
                        "conflict-events",
                        "--user-vectors-topic",
                        "conflict-vectors",
                        "--dlq-topic",
                        "conflict-dlq",
                        "--model-updates-topic",
                        "conflict-model-updates",
                        "--consumer-group",
                        "conflict",
                        "--no-replay",
                        "--duration",
                        "30",
                        "--data-dir",
                        dir.toString());

        assertThat(code).as("%s%n%s", out, err).isEqualTo(2);
        assertThat(err.toString())
                .contains("error: The job's configuration conflicts with its Kafka topics:")
                .contains("the validator accepts events up to 300,000 ms ahead of the clock (--max-future-skew), but"
                        + " topic 'conflict-events' refuses record timestamps more than 60,000 ms ahead"
                        + " (message.timestamp.after.max.ms): lower --max-future-skew to at most 60,000 ms")
                .contains("topic 'conflict-vectors' accepts record batches of up to 100,000 bytes"
                        + " (max.message.bytes), but the job may send it records of up to 1,048,576")
                .doesNotContain("conflict-dlq")
                .doesNotContain("conflict-model-updates");
        assertThat(out.toString()).as("no job was started").doesNotContain("Flink job");
    }
}
