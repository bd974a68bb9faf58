package io.streamrec.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM from the
 * Kafka jars: the same broker code as a cluster, without Docker or a separate process. It backs
 * {@code streamrec run} without a Kafka address and the integration tests.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopics(new NewTopic("events", 4, (short) 1));
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>Storage lives in a temporary folder that {@link #close()} deletes, unless {@link Builder#dataDir(Path)}
 * names one, which is then kept and reused (formatted only the first time) so topics survive a restart.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** Kafka's own loggers are chatty at INFO (every partition, every config dump); WARN keeps problems visible. */
    private static final List<String> NOISY_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, String> adminSettings;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private boolean closed;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            String bootstrapServers,
            Map<String, String> adminSettings,
            Path dataDir,
            boolean deleteDataDirOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.adminSettings = Map.copyOf(adminSettings);
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
    }

    /** Starts a broker with the defaults: a temporary data folder and free loopback ports. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the client listener (PLAINTEXT, or SASL_SSL when secured), for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Client settings of the broker's administrator, bootstrap servers included: none besides them for a PLAINTEXT
     * broker, the administrator's SCRAM login over TLS for a {@linkplain Builder#secured secured} one.
     */
    public Map<String, Object> adminClientProperties() {
        Map<String, Object> props = new HashMap<>(adminSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The administrator's security settings alone (empty for a PLAINTEXT broker), without the bootstrap servers. */
    public Map<String, String> adminSecuritySettings() {
        return adminSettings;
    }

    /** The folder holding the broker's logs (topic data) and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics that do not exist yet; returns the names it created. */
    public List<String> createTopics(NewTopic... topics) {
        try (Admin admin = Admin.create(adminClientProperties())) {
            CreateTopicsResult result = admin.createTopics(Arrays.asList(topics));
            List<String> created = new ArrayList<>();
            for (NewTopic topic : topics) {
                try {
                    result.values().get(topic.name()).get(60, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Could not create topic '" + topic.name() + "': "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                } catch (InterruptedException | TimeoutException e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("Could not create topic '" + topic.name() + "': " + e, e);
                }
            }
            return created;
        }
    }

    /** Shuts the broker down cleanly (waits for it) and deletes a temporary data folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        if (deleteDataDirOnClose) {
            try {
                Utils.delete(dataDir.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete the embedded broker's folder {}: {}", dataDir, e.toString());
            }
        }
        LOG.info(
                "Embedded Kafka broker at {} stopped in {} ms",
                bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Options of the embedded broker; every one has a working default. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private int maxMessageBytes = 16 * 1024 * 1024;
        private String bindAddress = BindAddress.LOOPBACK;
        private Duration startTimeout = Duration.ofSeconds(60);
        private boolean quietLogs = true;
        private SecuredListener secured;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        /** Keep the broker's data in this folder across runs (default: a temporary folder deleted on close). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * The address the client listener binds to: 127.0.0.1, the default, reachable from this machine only; an
         * interface's address, or 0.0.0.0 for every interface (clients are then told the host name). The KRaft
         * controller listener always stays on loopback.
         */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = BindAddress.validate(bindAddress);
            return this;
        }

        /** The client (PLAINTEXT) port on the bind address; 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = requirePort(port, "port");
            return this;
        }

        /** The KRaft controller port on 127.0.0.1; 0, the default, picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = requirePort(controllerPort, "controllerPort");
            return this;
        }

        /**
         * The largest record batch the broker accepts, default 16 MiB: large enough for chunked model updates,
         * small enough to catch a runaway producer. Fetch sizes follow it.
         */
        public Builder maxMessageBytes(int maxMessageBytes) {
            if (maxMessageBytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
            }
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** How long {@link #start()} waits for the broker to answer, default 60 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Raise Kafka's loggers to WARN if they are more verbose (default true). */
        public Builder quietLogs(boolean quietLogs) {
            this.quietLogs = quietLogs;
            return this;
        }

        /**
         * Makes the client listener require SASL_SSL: TLS with the broker's key and certificate, then a SCRAM-SHA-512
         * login. The broker's own traffic (inter-broker, transaction markers) goes through the same listener as the
         * administrator, whose credentials are written into the storage when it is formatted; other users are added
         * through {@link Admin#alterUserScramCredentials}. Only the KRaft controller listener stays PLAINTEXT, on
         * loopback.
         */
        public Builder secured(SecuredListener listener) {
            this.secured = java.util.Objects.requireNonNull(listener);
            return this;
        }

        /** Any other broker setting ({@code server.properties} key), applied last. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Formats the storage if needed, starts the broker and waits until it answers. */
        public EmbeddedKafkaBroker start() {
            if (quietLogs) {
                LogLevels.atMostWarn(NOISY_LOGGERS);
            }
            long started = System.nanoTime();
            boolean temporary = dataDir == null;
            Path dir = temporary ? createTempDir() : dataDir;
            int clientPort = port != 0 ? port : freePort();
            int quorumPort = controllerPort != 0 ? controllerPort : freePort();
            Properties props = serverProperties(dir, clientPort, quorumPort);
            try {
                if (!isFormatted(props)) {
                    format(dir, props);
                }
                KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
                server.startup();
                String bootstrap = listenerHost(BindAddress.advertised(bindAddress)) + ":" + clientPort;
                Map<String, String> admin = secured == null ? Map.of() : secured.adminClientSettings();
                EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, admin, dir, temporary);
                awaitReady(broker);
                LOG.info(
                        "Embedded Kafka broker started at {} in {} ms (data in {})",
                        bootstrap,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                        dir);
                return broker;
            } catch (RuntimeException e) {
                if (temporary) {
                    deleteQuietly(dir);
                }
                throw new IllegalStateException(
                        "The embedded Kafka broker did not start (client port " + clientPort
                                + ", controller port " + quorumPort + ", data in " + dir + "): " + e.getMessage()
                                + ". If a port is taken, leave the ports at 0 so free ones are picked.",
                        e);
            }
        }

        private Properties serverProperties(Path dir, int clientPort, int quorumPort) {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@" + LOOPBACK + ":" + quorumPort);
            String client = secured == null ? "PLAINTEXT" : "SASL_SSL";
            p.put(
                    "listeners",
                    client + "://" + listenerHost(bindAddress) + ":" + clientPort + ",CONTROLLER://" + LOOPBACK + ":"
                            + quorumPort);
            p.put(
                    "advertised.listeners",
                    client + "://" + listenerHost(BindAddress.advertised(bindAddress)) + ":" + clientPort);
            p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", client);
            if (secured != null) {
                p.putAll(secured.brokerProperties());
            }
            p.put("log.dirs", dir.resolve("logs").toAbsolutePath().toString());
            // a single node can only hold one replica of anything, internal topics included
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            // fewer internal partitions: a single node gains nothing from 50 and they slow the first group join
            p.put("offsets.topic.num.partitions", "4");
            p.put("transaction.state.log.num.partitions", "4");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("num.partitions", "1");
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "4");
            p.put("message.max.bytes", Integer.toString(maxMessageBytes));
            p.put("replica.fetch.max.bytes", Integer.toString(maxMessageBytes));
            // replayed datasets carry event timestamps years in the past; time-based retention would delete
            // them at once, so the embedded broker keeps data until its folder is deleted
            p.put("log.retention.ms", "-1");
            p.putAll(overrides);
            return p;
        }

        /** Kafka's listener syntax: an IPv6 literal in brackets. */
        private static String listenerHost(String host) {
            return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        }

        /** A reused data folder keeps its cluster id: formatting it again would give it a new one. */
        private static boolean isFormatted(Properties props) {
            return Files.exists(Path.of(props.getProperty("log.dirs"), "meta.properties"));
        }

        private void format(Path dir, Properties props) {
            Path config = dir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "streamrec embedded Kafka broker");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + config, e);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int status;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                status = StorageTool.execute(formatArguments(config), print);
            }
            if (status != 0) {
                throw new IllegalStateException("kafka-storage format failed with status " + status + ": "
                        + output.toString(StandardCharsets.UTF_8).trim());
            }
        }

        private String[] formatArguments(Path config) {
            List<String> args = new java.util.ArrayList<>(
                    List.of("format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString()));
            if (secured != null) {
                args.add("--add-scram");
                args.add(secured.adminScramArgument());
            }
            return args.toArray(String[]::new);
        }

        private void awaitReady(EmbeddedKafkaBroker broker) {
            Map<String, Object> props = broker.adminClientProperties();
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) startTimeout.toMillis());
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                broker.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException(
                        "the broker did not answer within " + startTimeout.toSeconds() + " s", e);
            }
        }

        private static Path createTempDir() {
            try {
                return Files.createTempDirectory("streamrec-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Could not create a temporary folder for the embedded broker; "
                                + "check java.io.tmpdir or pass a dataDir",
                        e);
            }
        }

        private static void deleteQuietly(Path dir) {
            try {
                Utils.delete(dir.toFile());
            } catch (IOException ignored) {
                // best effort: the start failure is the error worth reporting
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not find a free port on " + LOOPBACK, e);
            }
        }

        private static int requirePort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        name + " must be between 0 (pick a free one) and 65535, got " + port);
            }
            return port;
        }
    }
}
