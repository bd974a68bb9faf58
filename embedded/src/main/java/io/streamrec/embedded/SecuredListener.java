package io.streamrec.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a broker listener that requires SASL_SSL needs: a PKCS12 key store with the broker's key and certificate (whose
 * names must include the address clients connect to), a PKCS12 trust store holding that certificate's issuer (the
 * broker's own connections check it too), and the administrator's SCRAM-SHA-512 login.
 *
 * @param keyStore the broker's key and certificate (PKCS12)
 * @param trustStore the issuer of the broker's certificate (PKCS12)
 * @param storePassword the password of both stores
 * @param adminUser the administrator, created at format time and used for the broker's own connections
 * @param adminPassword the administrator's password (letters, digits, {@code -} and {@code _}: it goes into the
 *     format tool's argument syntax)
 */
public record SecuredListener(
        Path keyStore, Path trustStore, String storePassword, String adminUser, String adminPassword) {

    /** The one SASL mechanism the listener enables. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

    public SecuredListener {
        if (!PLAIN.matcher(adminUser).matches() || !PLAIN.matcher(adminPassword).matches()) {
            throw new IllegalArgumentException("the administrator's name and password may hold only letters, digits,"
                    + " '-' and '_' (they are written into kafka-storage's --add-scram argument)");
        }
    }

    /** The broker settings of the listener, its SASL mechanism and the broker's own login. */
    Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(adminUser, adminPassword));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", keyStore.toAbsolutePath().toString());
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", trustStore.toAbsolutePath().toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("ssl.client.auth", "none");
        return p;
    }

    /** {@code kafka-storage format --add-scram}'s argument creating the administrator. */
    String adminScramArgument() {
        return MECHANISM + "=[name=" + adminUser + ",password=" + adminPassword + "]";
    }

    /** The administrator's client settings (all but the bootstrap servers). */
    Map<String, String> adminClientSettings() {
        return clientProperties(trustStore, storePassword, adminUser, adminPassword);
    }

    /** Client settings that log in as {@code user} over SASL_SSL, trusting the certificates in {@code trustStore}. */
    public static Map<String, String> clientProperties(
            Path trustStore, String trustStorePassword, String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", trustStore.toAbsolutePath().toString());
        p.put("ssl.truststore.password", trustStorePassword);
        return p;
    }

    /** A JAAS login of {@code user} with SCRAM; the password quoted as JAAS wants. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + quote(user)
                + "\" password=\"" + quote(password) + "\";";
    }

    private static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "SecuredListener{keyStore=" + keyStore + ", trustStore=" + trustStore + ", adminUser=" + adminUser + "}";
    }
}
