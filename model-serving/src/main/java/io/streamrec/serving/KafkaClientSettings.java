package io.streamrec.serving;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The service's Kafka client settings as {@code serve} takes them (a properties file, then single properties), and the
 * check at start that they let it in: a wrong password or trust store is reported in words before the service starts,
 * not as a follower retrying for ever. The job's commands read and check the same settings the same way (the service
 * and the job do not share code).
 */
public final class KafkaClientSettings {

    /** How long {@link #requireReachable} waits for Kafka to answer. */
    public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private KafkaClientSettings() {}

    /** The settings of {@code propertiesFile} (may be null) overridden by {@code given}. */
    public static Map<String, String> merge(Path propertiesFile, Map<String, String> given) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (propertiesFile != null) {
            if (!Files.isRegularFile(propertiesFile) || !Files.isReadable(propertiesFile)) {
                throw new IllegalArgumentException(
                        "Kafka properties file " + propertiesFile + " does not exist or cannot be read by this user");
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Kafka properties file " + propertiesFile + " is not a valid properties file: "
                                + e.getMessage(),
                        e);
            }
            props.stringPropertyNames().stream()
                    .sorted()
                    .forEach(k -> merged.put(k.trim(), props.getProperty(k).trim()));
        }
        merged.putAll(given);
        if (merged.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("bootstrap.servers is set apart (--bootstrap-servers), not as a Kafka"
                    + " property: remove it from the client properties");
        }
        return merged;
    }

    /** For messages: the address and how it is reached, e.g. {@code kafka:9093 (SASL_SSL, SCRAM-SHA-512)}. */
    public static String describe(String bootstrapServers, Map<String, String> properties) {
        String protocol = properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        String mechanism = properties.getOrDefault(SaslConfigs.SASL_MECHANISM, "GSSAPI");
        return bootstrapServers + " (" + protocol + (protocol.startsWith("SASL") ? ", " + mechanism : "") + ")";
    }

    /**
     * Connects once and asks for the cluster's nodes.
     *
     * @throws IllegalArgumentException naming what to change: the credentials, the TLS trust, or the address
     */
    public static void requireReachable(String bootstrapServers, Map<String, String> properties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(properties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-serving-check");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        String where = describe(bootstrapServers, properties);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(where, timeout);
            }
            throw refused(where, e.getCause());
        } catch (TimeoutException e) {
            throw noAnswer(where, timeout);
        } catch (KafkaException e) {
            throw refused(where, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to Kafka at " + where, e);
        }
    }

    private static IllegalArgumentException noAnswer(String where, Duration timeout) {
        return new IllegalArgumentException(
                "Kafka at " + where + " did not answer within " + Math.max(1, timeout.toSeconds())
                        + " s: check --bootstrap-servers, that the brokers are up, and that security.protocol matches"
                        + " the listener");
    }

    private static IllegalArgumentException refused(String where, Throwable cause) {
        if (cause instanceof SaslAuthenticationException) {
            return new IllegalArgumentException("Kafka at " + where + " refused the credentials: " + cause.getMessage()
                    + ". Check the user name and password in sasl.jaas.config (and sasl.mechanism)");
        }
        if (cause instanceof SslAuthenticationException) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new IllegalArgumentException("TLS with Kafka at " + where + " failed: " + root.getMessage()
                    + ". Check ssl.truststore.location (it must hold the brokers' CA)");
        }
        if (cause instanceof AuthenticationException) {
            return new IllegalArgumentException(
                    "Kafka at " + where + " did not authenticate this client: " + cause.getMessage());
        }
        Throwable root = cause instanceof KafkaException && cause.getCause() != null ? cause.getCause() : cause;
        return new IllegalArgumentException(
                "Could not use Kafka at " + where + ": " + root.getMessage()
                        + ". Check --bootstrap-servers and the Kafka client properties",
                cause);
    }
}
