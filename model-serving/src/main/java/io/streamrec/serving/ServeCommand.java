package io.streamrec.serving;

import io.streamrec.model.data.ItemDescription;
import io.streamrec.model.data.MovieLensDataset;
import io.streamrec.serving.http.TlsContext;
import io.streamrec.serving.index.IndexSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code streamrec serve}: the retrieval service alone, against any Kafka the job writes to. Runs until Ctrl-C.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serves top-K recommendations over HTTP from the user vectors and the model a streamrec job publishes"
                    + " (topics user-vectors and model-updates). The API is described at /openapi.yaml.",
        })
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka the job writes to (the address `streamrec run` prints).")
    String bootstrapServers;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Kafka client property (e.g. security.protocol=SASL_SSL). Overrides --kafka-properties-file.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--kafka-properties-file",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config,"
                    + " ssl.truststore.location, ...), as `streamrec run` takes them. Keeps secrets off the command"
                    + " line; a value may name one kept elsewhere with Kafka's config providers (${file:PATH:KEY},"
                    + " ${env:NAME}). Secrets are never printed.")
    Path kafkaPropertiesFile;

    @Option(
            names = "--port",
            defaultValue = "" + ServingConfig.DEFAULT_PORT,
            paramLabel = "PORT",
            description = "HTTP port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--host",
            defaultValue = ServingConfig.DEFAULT_BIND_ADDRESS,
            paramLabel = "ADDRESS",
            description =
                    "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only; 0.0.0.0 for every interface).")
    String bindAddress;

    @Option(
            names = "--model-name",
            defaultValue = ServingConfig.DEFAULT_MODEL_NAME,
            paramLabel = "NAME",
            description = "The model to serve (the job's --model: sdm, sine, meanpool). Default: ${DEFAULT-VALUE}.")
    String modelName;

    @Option(
            names = "--data-dir",
            defaultValue = "streamrec-serving",
            paramLabel = "DIR",
            description = "Where the user-vector store lives; a restart resumes from it. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(
            names = "--user-vectors-topic",
            defaultValue = ServingConfig.DEFAULT_USER_VECTORS_TOPIC,
            paramLabel = "NAME",
            description = "Default: ${DEFAULT-VALUE}.")
    String userVectorsTopic;

    @Option(
            names = "--model-updates-topic",
            defaultValue = ServingConfig.DEFAULT_MODEL_UPDATES_TOPIC,
            paramLabel = "NAME",
            description = "Default: ${DEFAULT-VALUE}.")
    String modelUpdatesTopic;

    @Option(
            names = "--auth-token-file",
            paramLabel = "FILE",
            description = "Require `Authorization: Bearer <token>` on /v1 requests, the token being this file's"
                    + " content (trimmed). Default: no token.")
    Path authTokenFile;

    @Option(
            names = "--tls-keystore",
            paramLabel = "FILE",
            description = "Answer HTTPS only, with the key and certificate in this PKCS12 (or JKS) key store, e.g. made"
                    + " by `keytool -genkeypair -keyalg EC -storetype PKCS12`. Needs --tls-keystore-password-file."
                    + " Default: plain HTTP.")
    Path tlsKeyStore;

    @Option(
            names = "--tls-keystore-password-file",
            paramLabel = "FILE",
            description = "File holding the password of --tls-keystore and of its key (trimmed). Never printed.")
    Path tlsKeyStorePasswordFile;

    @Option(
            names = "--item-descriptions",
            paramLabel = "DIR",
            description = "A MovieLens folder (ml-latest-small or ml-1m) whose titles and genres the answers carry.")
    Path itemDescriptions;

    @Option(
            names = "--max-k",
            defaultValue = "" + ServingConfig.DEFAULT_MAX_K,
            paramLabel = "N",
            description = "Largest k a request may ask for. Default: ${DEFAULT-VALUE}.")
    int maxK;

    @Option(
            names = "--diversity-weight",
            defaultValue = "0",
            paramLabel = "LAMBDA",
            description = "λ of the multi-interest (SINE) merge: 0 merges by best score; larger favours categories"
                    + " not yet in the answer. Default: ${DEFAULT-VALUE}.")
    double diversityWeight;

    @Option(
            names = "--search-beam-width",
            defaultValue = "" + IndexSettings.DEFAULT_SEARCH_BEAM_WIDTH,
            paramLabel = "N",
            description = "Candidates an index search keeps (more: higher recall, slower). Learned item vectors,"
                    + " which cluster, need little; vectors without cluster structure need several hundred."
                    + " Default: ${DEFAULT-VALUE}.")
    int searchBeamWidth;

    @Option(
            names = "--exact-search-threshold",
            defaultValue = "" + IndexSettings.DEFAULT_EXACT_SEARCH_THRESHOLD,
            paramLabel = "N",
            description = "Below this many items a search scans them all. Default: ${DEFAULT-VALUE}.")
    int exactSearchThreshold;

    @Option(
            names = "--index-cpu-share",
            defaultValue = "" + IndexSettings.DEFAULT_GRAPH_CPU_SHARE,
            paramLabel = "SHARE",
            description =
                    "Share of one core that keeping the item graph current (inserting the rows of deltas,"
                            + " rebuilding after many updates) may take over time, in (0, 1]; the answering threads keep the"
                            + " rest. Rows not yet in the graph are found by an exact scan meanwhile. Default: ${DEFAULT-VALUE}.")
    double indexCpuShare;

    @Option(
            names = "--index-max-fresh-rows",
            defaultValue = "" + IndexSettings.DEFAULT_MAX_FRESH_ROWS,
            paramLabel = "N",
            description =
                    "Most rows waiting for the graph, which every search scans; past it inserts go beyond"
                            + " --index-cpu-share (logged). 0 inserts every row as its delta arrives. Default: ${DEFAULT-VALUE}.")
    int indexMaxFreshRows;

    @Option(
            names = "--index-insert-beam-width",
            defaultValue = "" + IndexSettings.DEFAULT_INSERT_BEAM_WIDTH,
            paramLabel = "N",
            description = "Candidates considered when a row is inserted into a built graph (at least "
                    + IndexSettings.DEFAULT_MAX_DEGREE + "; a graph is built with " + IndexSettings.DEFAULT_BEAM_WIDTH
                    + "). Default: ${DEFAULT-VALUE}.")
    int indexInsertBeamWidth;

    @Option(
            names = "--http-threads",
            defaultValue = "" + ServingConfig.DEFAULT_HTTP_THREADS_TEXT,
            paramLabel = "N",
            description = "Threads answering requests. Default: twice the cores, at least 4.")
    int httpThreads;

    /** Runs the service alone, as {@code streamrec serve} does (a service image's entry point). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServingConfig config;
        try {
            config = config();
            if (config.tls()) {
                // a wrong password or path is said now, not as failed handshakes once clients come
                TlsContext.fromKeyStore(config.tlsKeyStore(), config.tlsKeyStorePassword());
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            KafkaClientSettings.requireReachable(
                    config.bootstrapServers(), config.kafkaProperties(), KafkaClientSettings.CHECK_TIMEOUT);
        } catch (IllegalArgumentException e) {
            spec.commandLine()
                    .getErr()
                    .println(spec.commandLine().getColorScheme().errorText("error: " + e.getMessage()));
            return spec.exitCodeOnInvalidInput();
        }
        Map<String, ItemDescription> descriptions = descriptions(itemDescriptions);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        try (RecommendationService service = RecommendationService.start(config, descriptions)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "serve-shutdown"));
            out.println("Serving recommendations at " + service.url() + " (model '" + config.modelName()
                    + "', Kafka " + KafkaClientSettings.describe(config.bootstrapServers(), config.kafkaProperties())
                    + "); the API is at " + service.url()
                    + "/openapi.yaml");
            out.flush();
            stopped.await();
        }
        return 0;
    }

    ServingConfig config() throws IOException {
        return ServingConfig.builder()
                .bootstrapServers(bootstrapServers)
                .kafkaProperties(KafkaClientSettings.merge(kafkaPropertiesFile, kafkaProperties))
                .port(port)
                .bindAddress(bindAddress)
                .modelName(modelName)
                .dataDir(dataDir)
                .userVectorsTopic(userVectorsTopic)
                .modelUpdatesTopic(modelUpdatesTopic)
                .authToken(authTokenFile == null ? null : SecretFile.read("--auth-token-file", authTokenFile))
                .tls(tlsKeyStore, tlsKeyStorePassword())
                .maxK(maxK)
                .diversityWeight(diversityWeight)
                .httpThreads(httpThreads)
                .index(IndexSettings.defaults()
                        .withSearchBeamWidth(searchBeamWidth)
                        .withExactSearchThreshold(exactSearchThreshold)
                        .withUpkeep(indexInsertBeamWidth, indexMaxFreshRows, indexCpuShare))
                .build();
    }

    private String tlsKeyStorePassword() {
        if (tlsKeyStore == null) {
            if (tlsKeyStorePasswordFile != null) {
                throw new IllegalArgumentException("--tls-keystore-password-file applies to --tls-keystore only");
            }
            return null;
        }
        if (tlsKeyStorePasswordFile == null) {
            throw new IllegalArgumentException("--tls-keystore needs --tls-keystore-password-file (the store's"
                    + " password, kept in a file so that it stays off the command line)");
        }
        return SecretFile.read("--tls-keystore-password-file", tlsKeyStorePasswordFile);
    }

    /** Titles and genres from a MovieLens folder (ml-latest-small's movies.csv or ml-1m's movies.dat), or none. */
    public static Map<String, ItemDescription> descriptions(Path dir) throws IOException {
        if (dir == null) {
            return Map.of();
        }
        MovieLensDataset dataset = Files.isRegularFile(dir.resolve("ratings.dat"))
                ? MovieLensDataset.oneMillion(dir)
                : MovieLensDataset.latestSmall(dir);
        return dataset.descriptions();
    }
}
