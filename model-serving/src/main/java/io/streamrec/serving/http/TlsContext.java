package io.streamrec.serving.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The service's TLS server context from a key store, with the mistakes an operator makes (a wrong path, a wrong
 * password, a store without a private key) reported in words at start rather than as a handshake that fails later.
 */
public final class TlsContext {

    private TlsContext() {}

    /**
     * Opens {@code keyStore} (PKCS12 or JKS, told apart by its content) with {@code password}, used for the store and
     * its key, as keytool makes them.
     *
     * @throws IllegalArgumentException naming the store and what to change; never the password
     */
    public static SSLContext fromKeyStore(Path keyStore, String password) {
        return fromKeyStore(keyStore, password, "--tls-keystore", "--tls-keystore-password-file");
    }

    /**
     * As {@link #fromKeyStore(Path, String)}, its problems naming the options that gave the store and its password.
     */
    public static SSLContext fromKeyStore(Path keyStore, String password, String storeOption, String passwordOption) {
        if (!Files.isRegularFile(keyStore) || !Files.isReadable(keyStore)) {
            throw new IllegalArgumentException("TLS key store " + keyStore
                    + " does not exist or cannot be read by this user (" + storeOption + ")");
        }
        char[] secret = password.toCharArray();
        KeyStore store;
        try {
            store = KeyStore.getInstance(keyStore.toFile(), secret);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException(
                        "TLS key store " + keyStore + " did not open with the given password: check " + passwordOption);
            }
            throw new IllegalArgumentException(
                    "TLS key store " + keyStore + " cannot be read: " + e.getMessage()
                            + " (a PKCS12 or JKS store is expected, e.g. made with keytool -genkeypair)",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "TLS key store " + keyStore + " is not a PKCS12 or JKS key store: " + e.getMessage(), e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IllegalArgumentException("TLS key store " + keyStore
                        + " holds no private key: the service needs its own key and certificate, not only trusted"
                        + " certificates");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("The key in TLS key store " + keyStore
                    + " did not open with the store's password: give the key the same password as the store");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS key store " + keyStore + " cannot be used: " + e.getMessage(), e);
        }
    }
}
