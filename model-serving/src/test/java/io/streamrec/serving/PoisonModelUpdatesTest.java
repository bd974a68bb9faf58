package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.model.sync.UpdateDecoder;
import io.streamrec.model.sync.UpdateRefusal;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.serving.model.ModelUpdateIntake;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad records on {@code model-updates} reach the service the way the follower hands them over (raw record values
 * through {@link ModelUpdateIntake}) while it answers over real HTTP: every answer keeps coming from the last good
 * version, each refusal is counted by its reason, and the next good FULL is served.
 */
class PoisonModelUpdatesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theServiceKeepsAnsweringWithTheLastGoodModelThroughEveryKindOfBadUpdate() throws Exception {
        try (TinyModel model = new TinyModel("sdm", 60, 300, 3_000).train(4);
                LocalService service =
                        new LocalService(dir, ServingConfig.builder().httpThreads(2), Map.of())) {
            ModelUpdateIntake intake = new ModelUpdateIntake("sdm", service.sync, service.metrics);
            List<ModelUpdate> full = model.full();
            List<ModelUpdate> good = model.train(2).delta(version(full));
            long goodVersion = version(good);
            List<ModelUpdate> nonFinite = withNaN(model.train(1).delta(goodVersion));
            List<ModelUpdate> truncated = new ArrayList<>(model.full());
            assertThat(truncated).as("a FULL of several chunks").hasSizeGreaterThan(1);
            truncated.remove(truncated.size() - 1);
            List<ModelUpdate> foreign = model.full().stream()
                    .map(c -> c.getSpec() == null
                            ? c
                            : ModelUpdate.newBuilder(c)
                                    .setSpec(ModelSpec.newBuilder(c.getSpec())
                                            .setEncoderName("sine")
                                            .build())
                                    .build())
                    .toList();
            List<ModelUpdate> next = model.train(2).full();
            byte[] garbage = new byte[2_048];
            new Random(3).nextBytes(garbage);
            byte[] encoded = UpdateDecoder.encode(good.get(0));

            take(service, intake, full);
            take(service, intake, good);
            List<UserVector> users = model.vectors(model.lastSnapshots(500), goodVersion);
            service.users(users);
            String user = users.get(0).getUserId();
            assertThat(answer(service, user)).as("the good model").isEqualTo(goodVersion);

            for (List<byte[]> poison : List.of(
                    List.of(garbage, Arrays.copyOf(encoded, encoded.length / 2)),
                    bytes(nonFinite),
                    bytes(truncated),
                    bytes(full),
                    bytes(foreign))) {
                for (byte[] record : poison) {
                    intake.take(record, "model-updates-0@1");
                }
                service.sync.awaitAssembly();
                intake.swapIfAssembled();
                assertThat(answer(service, user))
                        .as("still the last good model")
                        .isEqualTo(goodVersion);
            }

            take(service, intake, next);
            assertThat(answer(service, user)).as("the next good FULL").isEqualTo(version(next));
            assertThat(service.metrics.updatesRefused(UpdateRefusal.Reason.CORRUPT))
                    .isEqualTo(2);
            assertThat(service.metrics.updatesRefused(UpdateRefusal.Reason.INVALID_VALUES))
                    .isEqualTo(1);
            assertThat(service.metrics.updatesRefused(UpdateRefusal.Reason.TRUNCATED))
                    .isEqualTo(1);
            assertThat(service.metrics.updatesRefused(UpdateRefusal.Reason.STALE_VERSION))
                    .isEqualTo(1);
            assertThat(service.metrics.updatesRefused(UpdateRefusal.Reason.FOREIGN_MODEL))
                    .isEqualTo(1);
            String scraped = service.get("/metrics").body();
            assertThat(scraped).contains("streamrec_serving_model_updates_refused_total{reason=\"truncated\"} 1.0");
        }
    }

    private static void take(LocalService service, ModelUpdateIntake intake, List<ModelUpdate> update)
            throws InterruptedException {
        for (byte[] record : bytes(update)) {
            intake.take(record, "model-updates-0@0");
        }
        service.sync.awaitAssembly();
        intake.swapIfAssembled();
        assertThat(service.sync.version()).isEqualTo(version(update));
    }

    /** The model version the service's answer for {@code user} states. */
    private static long answer(LocalService service, String user) throws Exception {
        HttpResponse<String> response = service.get("/v1/users/" + user + "/recommendations?k=5&excludeSeen=false");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("items")).isNotEmpty();
        return body.get("modelVersion").asLong();
    }

    private static List<byte[]> bytes(List<ModelUpdate> chunks) {
        return chunks.stream().map(UpdateDecoder::encode).toList();
    }

    private static long version(List<ModelUpdate> update) {
        return update.get(0).getVersion();
    }

    private static List<ModelUpdate> withNaN(List<ModelUpdate> update) {
        List<ModelUpdate> chunks = new ArrayList<>(update);
        for (int i = 0; i < chunks.size(); i++) {
            ModelUpdate chunk = chunks.get(i);
            if (!chunk.getDense().isEmpty()) {
                List<DenseParameter> dense = new ArrayList<>(chunk.getDense());
                DenseParameter p = dense.get(0);
                ByteBuffer values =
                        ByteBuffer.allocate(p.getValues().remaining()).order(ByteOrder.LITTLE_ENDIAN);
                values.put(p.getValues().duplicate()).flip();
                values.putFloat(0, Float.NaN);
                dense.set(0, DenseParameter.newBuilder(p).setValues(values).build());
                chunks.set(i, ModelUpdate.newBuilder(chunk).setDense(dense).build());
                return chunks;
            }
        }
        throw new AssertionError("no dense parameter in " + update.get(0));
    }
}
