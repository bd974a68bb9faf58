package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.serving.http.TlsContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The service over HTTPS with a key store made by the JDK's keytool, as an operator would make it: answers come over
 * TLS with that certificate (and the bearer token still guards /v1), plain HTTP gets nothing, and a wrong password or
 * store is refused at start in words that never hold the password.
 */
class HttpsTest {

    private static final String TOKEN = "tls-test-token";

    @TempDir
    static Path dir;

    static Path keyStore;
    static String password;
    static LocalService service;
    static List<UserVector> vectors;
    static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        password = "store-" + Long.toHexString(new SecureRandom().nextLong());
        keyStore = dir.resolve("service.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "service",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password);
        List<ModelUpdate> full;
        try (TinyModel model = new TinyModel("sdm", 40, 200, 1_000).train(2)) {
            full = model.full();
            vectors = model.vectors(model.lastSnapshots(200), full.get(0).getVersion());
        }
        service = new LocalService(
                Files.createDirectories(dir.resolve("service")),
                ServingConfig.builder().tls(keyStore, password).authToken(TOKEN),
                Map.of());
        service.apply(full);
        service.users(vectors);
        trusting = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(trustingOnly(keyStore, password))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void answersComeOverTlsWithTheStoresCertificateAndTheTokenStillGuardsTheApi() throws Exception {
        String base = "https://127.0.0.1:" + service.http.port();
        assertThat(get(trusting, base + "/health/live", null).statusCode()).isEqualTo(200);

        String user = vectors.get(vectors.size() - 1).getUserId();
        String recommendations = base + "/v1/users/" + user + "/recommendations?k=5";
        HttpResponse<String> answer = get(trusting, recommendations, TOKEN);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("\"items\"");
        assertThat(get(trusting, recommendations, null).statusCode())
                .as("no token, over TLS")
                .isEqualTo(401);

        assertThatThrownBy(() -> get(HttpClient.newHttpClient(), base + "/health/live", null))
                .as("a client that does not trust the certificate")
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> get(trusting, "http://127.0.0.1:" + service.http.port() + "/health/live", null))
                .as("plain HTTP at the TLS port gets no answer")
                .isInstanceOf(IOException.class);
    }

    @Test
    void aWrongPasswordOrAStoreWithoutAKeyIsRefusedInWordsWithoutThePassword() throws Exception {
        assertThatThrownBy(() -> TlsContext.fromKeyStore(keyStore, "wrong-" + password))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did not open with the given password")
                .hasMessageContaining("--tls-keystore-password-file")
                .hasMessageNotContaining(password);
        assertThatThrownBy(() -> TlsContext.fromKeyStore(dir.resolve("missing.p12"), password))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.p12 does not exist");

        Path trustOnly = dir.resolve("trust-only.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "ca",
                KeyStore.getInstance(keyStore.toFile(), password.toCharArray()).getCertificate("service"));
        try (var out = Files.newOutputStream(trustOnly)) {
            trust.store(out, password.toCharArray());
        }
        assertThatThrownBy(() -> TlsContext.fromKeyStore(trustOnly, password))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key");

        Path wrongPassword = dir.resolve("wrong-password");
        Files.writeString(wrongPassword, "not-" + password + "\n");
        StringWriter err = new StringWriter();
        int status = new CommandLine(new ServeCommand())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--bootstrap-servers",
                        "127.0.0.1:9",
                        "--tls-keystore",
                        keyStore.toString(),
                        "--tls-keystore-password-file",
                        wrongPassword.toString());
        assertThat(status).as(err.toString()).isEqualTo(2);
        assertThat(err.toString())
                .contains("did not open with the given password")
                .doesNotContain(password);

        StringWriter noPassword = new StringWriter();
        int missing = new CommandLine(new ServeCommand())
                .setErr(new PrintWriter(noPassword, true))
                .execute("--bootstrap-servers", "127.0.0.1:9", "--tls-keystore", keyStore.toString());
        assertThat(missing).isEqualTo(2);
        assertThat(noPassword.toString()).contains("--tls-keystore needs --tls-keystore-password-file");
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A client context that trusts the certificate in {@code keyStore} and nothing else. */
    private static SSLContext trustingOnly(Path keyStore, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "service",
                KeyStore.getInstance(keyStore.toFile(), password.toCharArray()).getCertificate("service"));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
