package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.launcher.cli.StreamrecCommand;
import io.streamrec.launcher.runtime.RunSummary;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.JsonCodecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 20's reproduction, the way a user ran into it: {@code streamrec run --no-replay --duration 60 --summary-json}
 * with everything at its default, and {@code streamrec produce --raw} sending 500 good events stamped now, one
 * stamped 12 hours ahead, and 500 more good events. The job once wrote the skewed event's vector with its event time
 * as the Kafka timestamp, the broker refused it, the task executor died, and {@code run} went on printing zeros and
 * exited 0. Now every good event is vectored, the skewed one is dead-lettered by the validator's default future
 * skew (or, were it let through, written with a send-time record timestamp), no task fails, and the run ends as
 * asked with exit code 0 and a summary saying the job ran throughout.
 */
class SkewedEventRunIT {

    private static final Logger LOG = LoggerFactory.getLogger(SkewedEventRunIT.class);

    private static final int GOOD_EVENTS = 1_000;
    private static final int USERS = 50;
    /** Users of a few trailing events, spread over the partitions, that carry event time past the good events. */
    private static final int CLOSING_USERS = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BROKER = Pattern.compile("listening at (127\\.0\\.0\\.1:\\d+)");
    private static final Pattern RATE = Pattern.compile("\\(-[0-9,.]+/s\\)");

    @Test
    void oneEventTwelveHoursAheadAmongAThousandKillsNothingAndLosesNoGoodEvent(@TempDir Path dir) throws Exception {
        Path summaryFile = dir.resolve("s.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long startedAt = System.currentTimeMillis();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "run",
                        "--no-replay",
                        "--duration",
                        "60",
                        "--summary-json",
                        summaryFile.toString(),
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--model",
                        "meanpool",
                        "--checkpoint-interval",
                        "2s",
                        "--progress-interval",
                        "1s"));
        String bootstrap = awaitJobRunning(out, run);

        long now = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        Set<String> good = new HashSet<>();
        for (int i = 0; i < GOOD_EVENTS; i++) {
            if (i == GOOD_EVENTS / 2) {
                lines.add(line("skewed", "u7", "i3", now + Duration.ofHours(12).toMillis()));
            }
            String id = "good-" + i;
            good.add(id);
            lines.add(line(id, "u" + (i % USERS), "i" + (i * 7 % 101), now - 20_000 + i * 10L));
        }
        for (int k = 0; k < CLOSING_USERS; k++) {
            lines.add(line("closing-" + k, "closing-" + k, "none", now));
        }
        Path file = dir.resolve("skewed.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        StringWriter produced = new StringWriter();
        int produceCode = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(produced, true))
                .setErr(new PrintWriter(produced, true))
                .execute(
                        "produce", "--bootstrap-servers", bootstrap, "--raw", file.toString(), "--key-field", "userId");
        assertThat(produceCode).as(produced.toString()).isZero();
        assertThat(produced.toString()).contains("Sent 1,009 lines of");

        Map<String, ConsumerRecord<byte[], byte[]>> vectorByEvent = new HashMap<>();
        int[] read = {0};
        KafkaTopicReader.readUntil(
                bootstrap,
                "user-vectors",
                records -> {
                    assertThat(run)
                            .as("the run ended before every good event was vectored:%n%s", out)
                            .isNotDone();
                    for (; read[0] < records.size(); read[0]++) {
                        ConsumerRecord<byte[], byte[]> r = records.get(read[0]);
                        vectorByEvent.put(VectorsIT.VECTORS.decode(r.value()).getEventId(), r);
                    }
                    return vectorByEvent.keySet().containsAll(good);
                },
                Duration.ofSeconds(55));
        List<JsonNode> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopicReader.readAll(bootstrap, "events-dlq")) {
            deadLetters.add(JSON.readTree(r.value()));
        }
        long checkedAt = System.currentTimeMillis();
        LOG.info(
                "Every good event vectored {} s after produce started, {} s after run was started",
                String.format("%.1f", (checkedAt - now) / 1e3),
                String.format("%.1f", (checkedAt - startedAt) / 1e3));

        assertThat(deadLetters)
                .as("only the skewed event is refused")
                .singleElement()
                .satisfies(letter -> {
                    assertThat(JSON.readTree(letter.get("payloadText").asText())
                                    .get("eventId")
                                    .asText())
                            .isEqualTo("skewed");
                    assertThat(letter.get("reasons").get(0).asText()).startsWith("timestamp-in-future:timestamp");
                });
        assertThat(vectorByEvent).as("the dead-lettered event has no vector").doesNotContainKey("skewed");
        assertThat(vectorByEvent.values())
                .as("every vector is stamped with the time it was written, never its event time")
                .allSatisfy(r -> assertThat(r.timestamp()).isBetween(startedAt, checkedAt));

        int code = run.get(120, TimeUnit.SECONDS);
        String printed = out.toString();
        assertThat(code).as("%s%n%s", printed, err).isZero();
        assertThat(printed).as(printed).doesNotContain("The Flink job failed").doesNotContain("RESTARTING");
        assertThat(printed.lines().filter(l -> l.matches("\\[ *\\d+\\.\\ds] .*")))
                .as(printed)
                .isNotEmpty()
                .noneMatch(l -> RATE.matcher(l).find());
        RunSummary summary = RunSummary.readJson(summaryFile);
        assertThat(summary.jobStatus())
                .as("the run stopped a job that ran throughout")
                .isEqualTo("RUNNING");
        assertThat(summary.restarts()).isZero();
        assertThat(summary.failureCause()).isNull();
        assertThat(summary.dlq()).isEqualTo(1);
        assertThat(summary.events())
                .as("the good events and the refused one (the newest closing event may wait for event time)")
                .isGreaterThanOrEqualTo(GOOD_EVENTS + 1);
        assertThat(summary.vectors()).isGreaterThanOrEqualTo(GOOD_EVENTS);
    }

    /** Waits until the run has submitted its job (so the topics exist); returns the embedded broker's address. */
    private static String awaitJobRunning(StringWriter out, CompletableFuture<Integer> run)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(run).as(out.toString()).isNotDone();
            String printed = out.toString();
            Matcher broker = BROKER.matcher(printed);
            if (broker.find() && printed.contains("running on a local cluster")) {
                return broker.group(1);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job was not submitted within 120 s:\n" + out);
    }

    private static String line(String id, String user, String item, long timestamp) {
        return new String(
                JsonCodecs.USER_EVENT.encode(UserEvent.newBuilder()
                        .setEventId(id)
                        .setUserId(user)
                        .setItemId(item)
                        .setEventType("view")
                        .setTimestamp(timestamp)
                        .build()),
                StandardCharsets.UTF_8);
    }
}
