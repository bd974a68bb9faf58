package io.streamrec.bench.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.embedded.EmbeddedKafkaBroker;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.estimator.EstimatorOptions;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.serving.RecommendationService;
import io.streamrec.serving.ServingConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Freshness, end to end through Kafka and HTTP: the time from a vector's publication on {@code user-vectors} (just
 * before the producer's send) to the first answer of the running service that uses it (its {@code vectorEventTime}
 * is the new vector's), polled every millisecond. The service follows a FULL of {@code items} synthetic item rows.
 */
final class FreshnessProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);
    private static final AvroBinaryCodec<UserVector> VECTORS = AvroBinaryCodec.of(UserVector.class);

    private FreshnessProbe() {}

    /**
     * Figures of the service run.
     *
     * @param cleanP99Ms         p99 of good requests when all requests are good
     * @param mixedP99Ms         p99 of good requests when {@code badShare} of the requests are bad
     */
    record Figures(
            double freshnessP50Ms,
            double freshnessP99Ms,
            double httpQps,
            double cleanP50Ms,
            double cleanP99Ms,
            double mixedP50Ms,
            double mixedP99Ms,
            double badShare,
            long badAnsweredWithError) {}

    /** Freshness over {@code samples} vectors, then HTTP latency of good requests without and with bad ones. */
    static Figures measure(int items, int dim, int samples, long seed, double httpQps, int httpSeconds, double badShare)
            throws Exception {
        Path dir = Files.createTempDirectory("serving-freshness");
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder().maxMessageBytes(2 << 20).start()) {
            Topics.createIfAbsent(
                    broker.bootstrapServers(),
                    List.of(TopicSpec.of("model-updates", 1), TopicSpec.compacted("user-vectors", 1)));
            Map<String, Object> props = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    0,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    2 << 20);
            IndexWorkload workload = new IndexWorkload("clustered", dim, seed);
            Random random = new Random(seed);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (ModelUpdate chunk : full(items, dim, workload, random)) {
                    producer.send(new ProducerRecord<>(
                            "model-updates", chunk.getModelName().getBytes(), UPDATES.encode(chunk)));
                }
                producer.flush();
                ServingConfig config = ServingConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .port(0)
                        .dataDir(dir)
                        .modelName("sdm")
                        .build();
                try (RecommendationService service = RecommendationService.start(config, Map.of())) {
                    if (!service.awaitReady(600_000)) {
                        throw new IllegalStateException(
                                "the service was not ready within 10 minutes: " + service.status());
                    }
                    HttpClient client = HttpClient.newHttpClient();
                    long[] latencies = new long[samples];
                    for (int s = 0; s < samples; s++) {
                        String user = "u" + (s % 50);
                        long eventTime = 1_000_000L + s;
                        float[] v = workload.next(random);
                        UserVector vector = UserVector.newBuilder()
                                .setUserId(user)
                                .setModelName("sdm")
                                .setModelVersion(1)
                                .setEventTime(eventTime)
                                .setEventId("e" + s)
                                .setInterests(List.of(boxed(v)))
                                .setVector(boxed(v))
                                .build();
                        long sent = System.nanoTime();
                        producer.send(new ProducerRecord<>("user-vectors", user.getBytes(), VECTORS.encode(vector)));
                        HttpRequest request = HttpRequest.newBuilder(
                                        URI.create(service.url() + "/v1/users/" + user + "/recommendations?k=10"))
                                .build();
                        while (true) {
                            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200) {
                                JsonNode body = JSON.readTree(response.body());
                                if (body.get("vectorEventTime").asLong() == eventTime) {
                                    latencies[s] = System.nanoTime() - sent;
                                    break;
                                }
                            }
                            if (System.nanoTime() - sent > 30_000_000_000L) {
                                throw new IllegalStateException("vector " + s + " never reached an answer within 30 s");
                            }
                            Thread.sleep(1);
                        }
                        Thread.sleep(20);
                    }
                    Arrays.sort(latencies);
                    HttpLoad load = new HttpLoad(service.url(), 50, seed);
                    HttpLoad.Result clean = load.run(httpQps, httpSeconds, 0);
                    HttpLoad.Result mixed = load.run(httpQps, httpSeconds, badShare);
                    return new Figures(
                            latencies[samples / 2] / 1e6,
                            latencies[Math.min(samples - 1, (int) (samples * 0.99))] / 1e6,
                            httpQps,
                            clean.goodP50Ms(),
                            clean.goodP99Ms(),
                            mixed.goodP50Ms(),
                            mixed.goodP99Ms(),
                            badShare,
                            mixed.badAnsweredWithError());
                }
            }
        }
    }

    /** A real model's FULL (spec, dense parameters) carrying {@code items} synthetic item rows, re-chunked. */
    private static List<ModelUpdate> full(int items, int dim, IndexWorkload workload, Random random) {
        TrainerConfig config = TrainerConfig.builder()
                .set(TrainerOptions.OUTPUT_DIM, dim)
                .set(TrainerOptions.FEATURE_DIMS, List.of(dim / 2, dim / 4, dim / 8, dim / 16, dim / 16))
                .vocabularyCapacity(Math.max(1_000, items))
                .set(EstimatorOptions.HASH_SLOTS, 1 << 12)
                .build();
        try (OnlineTrainer trainer = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()))) {
            List<ModelUpdate> model = new ModelUpdates(trainer, 900 * 1024, Clock.systemUTC()).full();
            List<ModelUpdate.Builder> chunks = new ArrayList<>();
            model.forEach(c -> chunks.add(ModelUpdate.newBuilder(c)));
            int perChunk = (900 * 1024) / (dim * 4 + 64);
            for (int from = 0; from < items; from += perChunk) {
                List<ItemRow> rows = new ArrayList<>();
                for (int i = from; i < Math.min(items, from + perChunk); i++) {
                    ByteBuffer bytes = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(workload.next(random));
                    rows.add(ItemRow.newBuilder()
                            .setItemId("i" + i)
                            .setVector(bytes)
                            .build());
                }
                chunks.add(ModelUpdate.newBuilder(model.get(0))
                        .setSpec(null)
                        .setDense(List.of())
                        .setEmbeddingRows(List.of())
                        .setTombstones(List.of())
                        .setItemRows(rows));
            }
            List<ModelUpdate> out = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                out.add(chunks.get(i)
                        .setChunkIndex(i)
                        .setChunkCount(chunks.size())
                        .build());
            }
            return out;
        }
    }

    private static List<Float> boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        Arrays.setAll(boxed, i -> values[i]);
        return Arrays.asList(boxed);
    }
}
