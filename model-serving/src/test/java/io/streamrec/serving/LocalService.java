package io.streamrec.serving;

import io.streamrec.model.data.ItemDescription;
import io.streamrec.model.sync.ReplicaSync;
import io.streamrec.model.sync.UpdateValidator;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.serving.http.HttpApi;
import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.model.ServingModel;
import io.streamrec.serving.users.UserVectorStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * The service's answering side over real HTTP, fed directly instead of from Kafka: model updates go through the same
 * {@link ReplicaSync} the follower uses, user vectors into the same store.
 */
final class LocalService implements AutoCloseable {

    final ReplicaSync<ServingModel> sync;
    final UserVectorStore store;
    final HttpApi http;
    final ServingMetrics metrics = new ServingMetrics();
    final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    volatile boolean ready = true;

    LocalService(Path dir, ServingConfig.Builder config, Map<String, ItemDescription> descriptions) throws Exception {
        ServingConfig cfg =
                config.bootstrapServers("unused:9092").port(0).dataDir(dir).build();
        IndexSettings index = cfg.index();
        this.sync = new ReplicaSync<>(
                full -> ServingModel.fromFull(full, index, ForkJoinPool.commonPool()),
                ServingModel::close,
                UpdateValidator.standard(),
                "test-model-builder");
        this.store = new UserVectorStore(dir.resolve("users"), 8 << 20, 4 << 20);
        Recommendations recommendations = new Recommendations(cfg, sync::current, store, descriptions);
        this.http = new HttpApi(
                cfg,
                recommendations,
                () -> new Health.Status(ready && sync.ready(), ready ? "test" : "catching up", sync.version()),
                metrics);
        http.start();
    }

    /** Applies chunks as the follower does, waiting for a FULL to be built and swapped in. */
    void apply(List<ModelUpdate> chunks) throws InterruptedException {
        for (ModelUpdate chunk : chunks) {
            sync.accept(chunk);
        }
        sync.awaitAssembly();
        sync.swapIfAssembled();
    }

    /**
     * On the updating thread as the follower does: starts rebuilding a degraded index and waits for the rebuilt one to
     * be swapped in; false if the index needed no rebuild.
     */
    boolean maintainUntilRebuilt(Duration timeout) throws InterruptedException {
        ServingModel model = sync.current();
        if (model.maintain()) {
            return true;
        }
        if (!model.rebuilding()) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (model.maintain()) {
                return true;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no rebuilt index within " + timeout);
    }

    void users(List<UserVector> vectors) {
        store.write(vectors, Map.of());
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.port() + path;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(
                request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        http.close();
        sync.close();
        store.close();
    }
}
