package io.streamrec.serving;

import io.streamrec.model.data.ItemDescription;
import io.streamrec.model.sync.UpdateValidator;
import io.streamrec.serving.http.HttpApi;
import io.streamrec.serving.model.ModelUpdatesFollower;
import io.streamrec.serving.model.ServingModel;
import io.streamrec.serving.users.UserVectorStore;
import io.streamrec.serving.users.UserVectorsFollower;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrieval service: follows {@code model-updates} (item index and encoder) and {@code user-vectors} (each user's
 * latest vector, in a local store), and answers over HTTP. Ready once both topics are caught up and a model is held.
 *
 * <pre>{@code
 * try (RecommendationService service = RecommendationService.start(config, Map.of())) {
 *     System.out.println("Serving recommendations at " + service.url());
 *     ...
 * }
 * }</pre>
 */
public final class RecommendationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecommendationService.class);

    private final ServingConfig config;
    private final ServingMetrics metrics;
    private final UserVectorStore store;
    private final ModelUpdatesFollower model;
    private final UserVectorsFollower users;
    private final HttpApi http;

    private RecommendationService(ServingConfig config, Map<String, ItemDescription> descriptions) throws IOException {
        this.config = config;
        this.metrics = new ServingMetrics();
        this.store = new UserVectorStore(
                config.dataDir().resolve("user-vectors"), config.storeCacheBytes(), config.storeWriteBufferBytes());
        this.model = new ModelUpdatesFollower(
                config.bootstrapServers(),
                config.modelUpdatesTopic(),
                config.modelName(),
                config.kafkaProperties(),
                config.index(),
                UpdateValidator.standard(),
                metrics);
        this.users = new UserVectorsFollower(
                config.bootstrapServers(),
                config.userVectorsTopic(),
                config.modelName(),
                config.kafkaProperties(),
                store,
                metrics);
        Recommendations recommendations = new Recommendations(config, model::current, store, descriptions);
        this.http = new HttpApi(config, recommendations, this::status, metrics);
    }

    /**
     * Starts following both topics and listening.
     *
     * @param descriptions titles and genres by item id, for the answers (empty when the dataset has none)
     */
    public static RecommendationService start(ServingConfig config, Map<String, ItemDescription> descriptions)
            throws IOException {
        RecommendationService service = new RecommendationService(config, descriptions);
        service.model.start();
        service.users.start();
        service.http.start();
        LOG.debug(
                "serving model '{}' at {} (user vectors from {}, model from {}, store in {})",
                config.modelName(),
                service.url(),
                config.userVectorsTopic(),
                config.modelUpdatesTopic(),
                config.dataDir());
        return service;
    }

    /** The address answers come from, e.g. {@code http://127.0.0.1:8080} ({@code https} with a TLS key store). */
    public String url() {
        return (config.tls() ? "https://" : "http://") + config.bindAddress() + ":" + http.port();
    }

    public int port() {
        return http.port();
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /** The model in use, null before the first FULL. */
    public ServingModel model() {
        return model.current();
    }

    /** Ready: caught up on both topics, holding a model. */
    public Health.Status status() {
        if (model.failure() != null) {
            return new Health.Status(
                    false, "following model-updates failed: " + model.failure().getMessage(), 0);
        }
        if (users.failure() != null) {
            return new Health.Status(
                    false, "following user-vectors failed: " + users.failure().getMessage(), 0);
        }
        ServingModel m = model.current();
        long version = m == null ? 0 : m.version();
        if (!model.caughtUp()) {
            return new Health.Status(false, "catching up on " + config.modelUpdatesTopic(), version);
        }
        if (m == null) {
            return new Health.Status(
                    false,
                    "no FULL update of model '" + config.modelName() + "' on " + config.modelUpdatesTopic() + " yet",
                    0);
        }
        if (!users.caughtUp()) {
            return new Health.Status(false, "catching up on " + config.userVectorsTopic(), version);
        }
        return new Health.Status(true, "serving model '" + config.modelName() + "' version " + version, version);
    }

    /** Waits until ready; false if {@code timeoutMillis} passed first. */
    public boolean awaitReady(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!status().ready()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        http.close();
        users.close();
        model.close();
        store.close();
    }
}
