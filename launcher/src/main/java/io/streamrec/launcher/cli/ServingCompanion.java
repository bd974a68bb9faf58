package io.streamrec.launcher.cli;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.launcher.metrics.MetricsSource;
import io.streamrec.launcher.runtime.RunCompanion;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.data.EventDataset;
import io.streamrec.model.data.ItemDescription;
import io.streamrec.model.data.MovieLensDataset;
import io.streamrec.serving.RecommendationService;
import io.streamrec.serving.SecretFile;
import io.streamrec.serving.ServingConfig;
import io.streamrec.serving.http.TlsContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The serving API inside {@code streamrec run}: started once the job runs, on the run's Kafka (with its client
 * settings), for the run's model, on the run's bind address (loopback unless {@code --bind-address} opens it), on
 * port 8080 when it is free (any free port otherwise); its store lives under the run's data folder. Its options
 * ({@link #OPTIONS}) join the run command's, checked with the job's.
 */
final class ServingCompanion implements RunCompanion {

    static final Option<Boolean> SERVING = Option.key("serving")
            .booleanType()
            .defaultValue(true)
            .withDescription("Start the serving API beside the job, on the run's bind-address (127.0.0.1 unless"
                    + " opened), following the run's model-updates and user-vectors topics; --no-serving leaves it"
                    + " out. A run without vectors serves nothing.");

    static final Option<Integer> SERVING_PORT = Option.key("serving-port")
            .intType()
            .noDefaultValue()
            .withDefaultText("8080 when free, else any free port")
            .withDescription("Port of the serving API; 0 picks any free port.")
            .withCheck(Check.between(0, 65_535));

    static final Option<String> SERVING_AUTH_TOKEN_FILE = Option.key("serving-auth-token-file")
            .stringType()
            .noDefaultValue()
            .withDefaultText("no token")
            .withDescription("Require `Authorization: Bearer <token>` on the serving API's /v1 requests, the token"
                    + " being this file's content (trimmed). Set it before opening the run with --bind-address.");

    static final Option<String> SERVING_TLS_KEYSTORE = Option.key("serving-tls-keystore")
            .stringType()
            .noDefaultValue()
            .withDefaultText("plain HTTP")
            .withDescription("Answer HTTPS only, with the key and certificate in this PKCS12 (or JKS) key store."
                    + " Needs --serving-tls-keystore-password-file.");

    static final Option<String> SERVING_TLS_KEYSTORE_PASSWORD_FILE = Option.key("serving-tls-keystore-password-file")
            .stringType()
            .noDefaultValue()
            .withDefaultText("none")
            .withDescription("File holding the password of --serving-tls-keystore and of its key (trimmed). Never"
                    + " printed.");

    /** The options of the serving API inside {@code streamrec run}. */
    static final OptionTable OPTIONS = OptionTable.builder("streamrec run serving options")
            .section(
                    "Serving",
                    SERVING,
                    SERVING_PORT,
                    SERVING_AUTH_TOKEN_FILE,
                    SERVING_TLS_KEYSTORE,
                    SERVING_TLS_KEYSTORE_PASSWORD_FILE)
            .crossCheck(ServingCompanion::checkSecrets)
            .build();

    private final Settings settings;
    private final Supplier<String> bindAddress;

    /**
     * @param settings values of {@link #OPTIONS}, checked
     * @param bindAddress the run's {@code --bind-address}, read when the run starts the service
     */
    ServingCompanion(Settings settings, Supplier<String> bindAddress) {
        this.settings = settings;
        this.bindAddress = bindAddress;
    }

    @Override
    public AutoCloseable start(
            StreamrecJobConfig config, Optional<EventDataset> dataset, PrintWriter out, Consumer<MetricsSource> metrics)
            throws IOException {
        if (!settings.get(SERVING)) {
            return () -> {};
        }
        if (!config.get(JobOptions.VECTORS)) {
            out.println("Not serving recommendations: the job publishes no user vectors (--no-vectors)");
            return () -> {};
        }
        ServingConfig serving = servingConfig(config);
        Map<String, ItemDescription> descriptions = dataset.filter(MovieLensDataset.class::isInstance)
                .map(MovieLensDataset.class::cast)
                .map(ServingCompanion::descriptions)
                .orElse(Map.of());
        RecommendationService service = RecommendationService.start(serving, descriptions);
        metrics.accept(prometheusText(service.metrics().registry()));
        out.printf(
                "Serving recommendations at %s (model '%s'; ready once the first model arrives; try %s/v1/items/1/similar?k=5;"
                        + " the API is at %s/openapi.yaml)%n",
                service.url(), config.get(ModelSettings.MODEL), service.url(), service.url());
        out.flush();
        return service;
    }

    /**
     * The token and key store files are read and the key store opened while the options are checked, so a wrong path
     * or password stops the run before its broker and job start, with the job's other problems.
     */
    private static void checkSecrets(Settings settings, OptionTable.Problems problems) {
        Optional<String> keyStore = settings.getOptional(SERVING_TLS_KEYSTORE);
        Optional<String> passwordFile = settings.getOptional(SERVING_TLS_KEYSTORE_PASSWORD_FILE);
        try {
            settings.getOptional(SERVING_AUTH_TOKEN_FILE)
                    .ifPresent(file -> SecretFile.read(problems.name(SERVING_AUTH_TOKEN_FILE), Path.of(file)));
            if (keyStore.isPresent() != passwordFile.isPresent()) {
                problems.add(problems.name(SERVING_TLS_KEYSTORE) + " and "
                        + problems.name(SERVING_TLS_KEYSTORE_PASSWORD_FILE)
                        + " go together: give both (the password stays in a file, off the command line) or neither");
            } else if (keyStore.isPresent()) {
                String passwordOption = problems.name(SERVING_TLS_KEYSTORE_PASSWORD_FILE);
                TlsContext.fromKeyStore(
                        Path.of(keyStore.get()),
                        SecretFile.read(passwordOption, Path.of(passwordFile.get())),
                        problems.name(SERVING_TLS_KEYSTORE),
                        passwordOption);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    /** The service's configuration for a run of {@code config}. */
    ServingConfig servingConfig(StreamrecJobConfig config) {
        String address = bindAddress.get();
        return ServingConfig.builder()
                .bootstrapServers(config.get(JobOptions.BOOTSTRAP_SERVERS))
                .kafkaProperties(config.kafkaProperties())
                .bindAddress(address)
                .port(settings.getOptional(SERVING_PORT)
                        .orElseGet(() -> freePortPreferring(address, ServingConfig.DEFAULT_PORT)))
                .authToken(settings.getOptional(SERVING_AUTH_TOKEN_FILE)
                        .map(file -> SecretFile.read("--" + SERVING_AUTH_TOKEN_FILE.key(), Path.of(file)))
                        .orElse(null))
                .tls(
                        settings.getOptional(SERVING_TLS_KEYSTORE).map(Path::of).orElse(null),
                        settings.getOptional(SERVING_TLS_KEYSTORE_PASSWORD_FILE)
                                .map(file ->
                                        SecretFile.read("--" + SERVING_TLS_KEYSTORE_PASSWORD_FILE.key(), Path.of(file)))
                                .orElse(null))
                .modelName(config.get(ModelSettings.MODEL))
                .userVectorsTopic(config.topics().userVectors())
                .modelUpdatesTopic(config.topics().modelUpdates())
                .dataDir(Path.of(config.get(JobOptions.CHECKPOINT_DIR))
                        .toAbsolutePath()
                        .getParent()
                        .resolve("serving"))
                .build();
    }

    private static Map<String, ItemDescription> descriptions(MovieLensDataset movies) {
        try {
            return movies.descriptions();
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The service's own series, for the run's one {@code --prometheus-port} endpoint beside the job's. */
    private static MetricsSource prometheusText(PrometheusRegistry registry) {
        PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
        return writer -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            text.write(bytes, registry.scrape());
            writer.write(bytes.toString(StandardCharsets.UTF_8));
        };
    }

    /** {@code preferred} if nothing listens there on {@code address}, else 0 (any free port). */
    static int freePortPreferring(String address, int preferred) {
        try (ServerSocket probe = new ServerSocket(preferred, 1, InetAddress.getByName(address))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            return 0;
        }
    }
}
