package io.streamrec.flink.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Where Kafka is and how a client of this process gets in: the bootstrap servers and every other client setting
 * (security protocol, SASL mechanism and JAAS login, trust and key stores). Every Kafka client streamrec makes, in the
 * job and around it, starts from {@link #clientProperties()}, so one set of settings reaches them all.
 *
 * <p>Secrets stay out of the command line, logs and summaries: settings come from a properties file
 * ({@link #readPropertiesFile}) and values may name a secret kept elsewhere through Kafka's configuration providers
 * ({@code ${file:/path:key}}, {@code ${env:NAME}} once {@code config.providers} lists them), which each client
 * resolves itself. {@link #shown()} masks every value Kafka types as a password, and the JAAS login.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> properties) implements Serializable {

    /** How long {@link #requireReachable} waits for an answer by default. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private static final String MASK = "[hidden]";

    /** Security settings Kafka's clients type as passwords (its own logs mask them the same way). */
    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    /** Also masked: a listener-prefixed or custom key that names a secret. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(password|secret|jaas|token|credential).*");

    private static Set<String> passwordKeys() {
        ConfigDef security = new ConfigDef();
        SslConfigs.addClientSslSupport(security);
        SaslConfigs.addClientSaslSupport(security);
        return security.configKeys().values().stream()
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .map(key -> key.name)
                .collect(Collectors.toUnmodifiableSet());
    }

    public KafkaAccess {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required (host:port[,host:port...])");
        }
        properties = Map.copyOf(properties);
        if (properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("bootstrap.servers is set apart (--bootstrap-servers), not as a Kafka"
                    + " property: remove it from the client properties");
        }
    }

    /** Kafka at {@code bootstrapServers} with the client defaults (PLAINTEXT). */
    public static KafkaAccess plaintext(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, Map.of());
    }

    /**
     * Reads a Java properties file of Kafka client settings (e.g. {@code security.protocol=SASL_SSL}). Values are
     * taken as written; {@code ${provider:...}} references are resolved by each client.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static Map<String, String> readPropertiesFile(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    "Kafka properties file " + file + " does not exist or cannot be read by this user");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Kafka properties file " + file + " is not a valid properties file: " + e.getMessage(), e);
        }
        Map<String, String> read = new LinkedHashMap<>();
        props.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> read.put(k.trim(), props.getProperty(k).trim()));
        return read;
    }

    /**
     * The settings of a properties file (may be null) overridden by those given one by one, as the commands take
     * them ({@code --kafka-properties-file} then each {@code --kafka-property}).
     */
    public static Map<String, String> merge(Path propertiesFile, Map<String, String> given) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (propertiesFile != null) {
            merged.putAll(readPropertiesFile(propertiesFile));
        }
        merged.putAll(given);
        return merged;
    }

    /** A fresh copy of the client settings with the bootstrap servers, for a producer, consumer or admin client. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The settings with every secret masked, for logs, summaries and {@code toString}. */
    public Map<String, String> shown() {
        return masked(properties);
    }

    /** {@code properties} with every value that is or may hold a secret replaced by {@value #MASK}. */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, isSecret(k) ? MASK : v));
        return shown;
    }

    /** True for a setting whose value must never be shown. */
    public static boolean isSecret(String key) {
        String name = key.toLowerCase(Locale.ROOT);
        String unprefixed = name.startsWith("listener.name.") ? name.substring(name.lastIndexOf('.') + 1) : name;
        return PASSWORD_KEYS.contains(name)
                || PASSWORD_KEYS.contains(unprefixed)
                || SECRET_NAME.matcher(name).matches();
    }

    /** For messages: the address and how it is reached, e.g. {@code kafka:9093 (SASL_SSL, SCRAM-SHA-512)}. */
    public String describe() {
        String protocol = properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        String mechanism = properties.get(SaslConfigs.SASL_MECHANISM);
        return bootstrapServers + " (" + protocol
                + (protocol.startsWith("SASL") ? ", " + (mechanism == null ? "GSSAPI" : mechanism) : "") + ")";
    }

    /**
     * Connects once and asks for the cluster's nodes, so that a wrong address, protocol, certificate or password is
     * reported at start, in words, instead of as retries that never end.
     *
     * @throws IllegalArgumentException naming what to change: the credentials, the TLS trust, or the address
     */
    public void requireReachable(Duration timeout) {
        Properties props = clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-check");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(timeout);
            }
            throw refused(e.getCause());
        } catch (TimeoutException e) {
            throw noAnswer(timeout);
        } catch (KafkaException e) {
            throw refused(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to Kafka at " + describe(), e);
        }
    }

    private IllegalArgumentException noAnswer(Duration timeout) {
        return new IllegalArgumentException("Kafka at " + describe() + " did not answer within "
                + Math.max(1, timeout.toSeconds()) + " s: check --bootstrap-servers, that the brokers are up, and"
                + " that security.protocol matches the listener (a TLS listener does not answer PLAINTEXT)");
    }

    private IllegalArgumentException refused(Throwable cause) {
        String detail = cause.getMessage();
        if (cause instanceof SaslAuthenticationException) {
            return new IllegalArgumentException("Kafka at " + describe() + " refused the credentials: " + detail
                    + ". Check the user name and password in sasl.jaas.config (and sasl.mechanism)");
        }
        if (cause instanceof SslAuthenticationException) {
            return new IllegalArgumentException("TLS with Kafka at " + describe() + " failed: " + rootMessage(cause)
                    + ". Check ssl.truststore.location (it must hold the brokers' CA) and that the brokers'"
                    + " certificate names the address you connect to");
        }
        if (cause instanceof AuthenticationException) {
            return new IllegalArgumentException(
                    "Kafka at " + describe() + " did not authenticate this client: " + detail);
        }
        Throwable root = cause instanceof KafkaException && cause.getCause() != null ? cause.getCause() : cause;
        return new IllegalArgumentException(
                "Could not use Kafka at " + describe() + ": " + root.getMessage()
                        + ". Check --bootstrap-servers and the Kafka client properties",
                cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    @Override
    public String toString() {
        return "KafkaAccess{" + bootstrapServers + ", " + shown() + "}";
    }
}
