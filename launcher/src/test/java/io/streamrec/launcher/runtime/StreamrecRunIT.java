package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamrec.embedded.ListeningSockets;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Ctrl-C does: {@link StreamrecRun#stop()} ends a run without a duration and stops everything it started; and
 * what the run exposes meanwhile: nothing beyond this machine.
 */
class StreamrecRunIT {

    @Test
    void anOpenEndedRunListensOnLoopbackOnlyAndStopShutsDownTheBrokerAndTheCluster(@TempDir Path dir) throws Exception {
        assumeTrue(ListeningSockets.available(), "reads this JVM's sockets from Linux /proc");
        List<ListeningSockets.Listener> before = ListeningSockets.ofThisJvm();
        StreamrecJobConfig config = StreamrecJobConfig.builder()
                .set(JobOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                .build();
        StringWriter out = new StringWriter();
        StreamrecRun run = new StreamrecRun(
                config,
                true,
                StreamrecPipeline::build,
                Optional.empty(),
                new StreamrecRun.Settings(Optional.empty(), Duration.ofMillis(500), 1),
                new PrintWriter(out, true));

        CompletableFuture<RunSummary> summary = CompletableFuture.supplyAsync(() -> {
            try {
                return run.execute();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!out.toString().contains("checkpoints 1") && System.nanoTime() < deadline && !summary.isDone()) {
            Thread.sleep(100);
        }
        assertThat(summary).as(out.toString()).isNotDone();
        List<ListeningSockets.Listener> opened = new ArrayList<>(ListeningSockets.ofThisJvm());
        opened.removeAll(before);
        InetSocketAddress broker = brokerAddress(out.toString());
        assertThat(opened)
                .as("the broker's, the KRaft controller's, Flink's REST API's and blob server's listeners")
                .hasSizeGreaterThanOrEqualTo(4)
                .anySatisfy(l -> assertThat(l.port()).isEqualTo(broker.getPort()))
                .allSatisfy(l -> assertThat(l.loopback())
                        .as("%s is on loopback (all listeners: %s)", l, opened)
                        .isTrue());
        run.stop();

        RunSummary result = summary.get(60, TimeUnit.SECONDS);
        assertThat(result.checkpoints()).isGreaterThanOrEqualTo(1);
        assertThat(result.events()).isZero();
        assertThat(portAcceptsConnections(brokerAddress(out.toString())))
                .as("broker still listening")
                .isFalse();
    }

    static InetSocketAddress brokerAddress(String printed) {
        Matcher m = Pattern.compile("listening at (127\\.0\\.0\\.1):(\\d+)").matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
    }

    static boolean portAcceptsConnections(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
