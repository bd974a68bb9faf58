package io.streamrec.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node Kafka (KRaft, broker and controller in one) as its own JVM: the storage formatted with
 * {@code kafka.tools.StorageTool}, then {@code kafka.Kafka server.properties}, as Kafka's own scripts do.
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private ManagedProcess process;

    private KafkaProcess(Path dir, int port, ManagedProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Formats {@code dir} and starts the broker; returns once it answers. */
    public static KafkaProcess start(Path dir, ClusterClasspath classpath) {
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path config = dir.resolve("server.properties");
        Path logConfig = dir.resolve("log4j2.properties");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(config)) {
                serverProperties(dir, port, controllerPort).store(out, "streamrec cluster harness: one KRaft node");
            }
            Files.writeString(logConfig, Logging.fileOnly("WARN"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write Kafka's configuration in " + dir, e);
        }
        List<String> jvm = List.of(
                "-Xms256m",
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + logConfig,
                "-Dlog.file=" + dir.resolve("kafka.log"));
        ManagedProcess format = ManagedProcess.start(new JavaCommand(
                "kafka-storage-format",
                "kafka.tools.StorageTool",
                classpath.kafka(),
                jvm,
                List.of("format", "--cluster-id", clusterId(), "--config", config.toString()),
                dir,
                dir.resolve("format.out"),
                Map.of()));
        int status = format.awaitExit(START_TIMEOUT);
        if (status != 0) {
            throw new IllegalStateException("kafka-storage format failed (" + status + "):\n" + format.logTail(20));
        }
        ManagedProcess broker = ManagedProcess.start(new JavaCommand(
                "kafka",
                "kafka.Kafka",
                classpath.kafka(),
                jvm,
                List.of(config.toString()),
                dir,
                dir.resolve("kafka.out"),
                Map.of()));
        KafkaProcess kafka = new KafkaProcess(dir, port, broker);
        kafka.awaitReady();
        return kafka;
    }

    private static Properties serverProperties(Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        // replayed data carries event times in the past: keep everything until the folder is deleted
        p.put("log.retention.ms", "-1");
        return p;
    }

    private static String clusterId() {
        // Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private void awaitReady() {
        if (!Ports.awaitOpen(port, START_TIMEOUT)) {
            throw new IllegalStateException("Kafka did not open port " + port + " within " + START_TIMEOUT.toSeconds()
                    + " s; last lines of its log:\n" + process.logTail(30));
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) START_TIMEOUT.toMillis()))) {
            admin.describeCluster().nodes().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(
                    "Kafka did not answer within " + START_TIMEOUT.toSeconds() + " s; last" + " lines of its log:\n"
                            + process.logTail(30),
                    e);
        }
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    /** The broker's process, to kill, pause or resume it. */
    public ManagedProcess process() {
        return process;
    }

    /** Starts the broker again on the same data and port after it was killed or stopped. */
    public void restart() {
        process = process.restart();
        awaitReady();
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }
}
