package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.Tombstone;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.schemas.UserVector;
import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.model.ScoreSpace;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas and a new FULL update arrive while a load generator keeps asking: no request fails, and every answer's
 * scores are exactly those of the item vectors of the one version it names. Once with the small catalogue scanned,
 * once through the graph with the index rebuilt in the background after every delta and swapped in under load.
 */
class HotSwapUnderLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aFullSwappedInUnderLoadFailsNoRequestAndNoAnswerMixesVersions() throws Exception {
        int rebuilds = swapUnderLoad(IndexSettings.defaults());
        assertThat(rebuilds)
                .as("a catalogue this small is scanned and never rebuilt")
                .isZero();
    }

    @Test
    void indexRebuildsSwappedInUnderLoadFailNoRequestAndMixNoVersions() throws Exception {
        // a graph from the first item, rebuilt once a tenth of its nodes are replaced rows: after every delta (graph
        // work unthrottled, so that no rebuild waits for the budget the one before earned)
        int rebuilds = swapUnderLoad(new IndexSettings(16, 32, 60, 0, 0.1).withUpkeep(32, 10_000, 1.0));
        assertThat(rebuilds).as("rebuilt indexes swapped in under load").isGreaterThanOrEqualTo(3);
    }

    /** Runs the load while six updates (a FULL among them) arrive; returns how many rebuilt indexes were swapped in. */
    private int swapUnderLoad(IndexSettings index) throws Exception {
        int rebuilds = 0;
        try (TinyModel model = new TinyModel("sdm", 60, 300, 3_000).train(4);
                LocalService service = new LocalService(
                        dir, ServingConfig.builder().httpThreads(4).index(index), Map.of())) {
            Map<Long, Map<String, float[]>> itemsAt = new ConcurrentHashMap<>();
            List<ModelUpdate> first = model.full();
            record(itemsAt, first);
            service.apply(first);
            List<UserVector> users =
                    model.vectors(model.lastSnapshots(2_000), first.get(0).getVersion());
            service.users(users);
            // scores are the trainer's logits with its popularity prior: ⟨u, v⟩/τ + β·log p̂
            ScoreSpace space = service.sync.current().space();
            assertThat(space.hasPrior()).isTrue();
            Map<String, float[]> userVectors = new HashMap<>();
            users.forEach(u -> userVectors.put(u.getUserId(), floats(u.getVector())));

            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<JsonNode> answers = new ConcurrentLinkedQueue<>();
            ExecutorService load = Executors.newFixedThreadPool(3);
            List<Future<?>> generators = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int seed = t;
                generators.add(load.submit(() -> {
                    Random random = new Random(seed);
                    while (running.get()) {
                        UserVector user = users.get(random.nextInt(users.size()));
                        try {
                            HttpResponse<String> response = service.get(
                                    "/v1/users/" + user.getUserId() + "/recommendations?k=20&excludeSeen=false");
                            if (response.statusCode() != 200) {
                                failures.add(response.statusCode() + " " + response.body());
                            } else {
                                answers.add(JSON.readTree(response.body()));
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }

            long last = first.get(0).getVersion();
            for (int round = 0; round < 6; round++) {
                model.train(2);
                List<ModelUpdate> next = round == 3 ? model.full() : model.delta(last);
                record(itemsAt, next);
                service.apply(next);
                last = next.get(0).getVersion();
                Thread.sleep(150);
                if (service.maintainUntilRebuilt(Duration.ofSeconds(20))) {
                    rebuilds++;
                    Thread.sleep(150);
                }
            }
            running.set(false);
            for (Future<?> g : generators) {
                g.get();
            }
            load.shutdown();

            assertThat(failures).as("failed requests").isEmpty();
            TreeSet<Long> seen = new TreeSet<>();
            for (JsonNode answer : answers) {
                long version = answer.get("modelVersion").asLong();
                seen.add(version);
                Map<String, float[]> items = itemsAt.get(version);
                assertThat(items).as("an answer at a published version").isNotNull();
                float[] user = userVectors.get(answer.get("userId").asText());
                for (JsonNode item : answer.get("items")) {
                    float[] v = items.get(item.get("itemId").asText());
                    assertThat(v)
                            .as("item %s exists at version %d", item.get("itemId"), version)
                            .isNotNull();
                    assertThat(item.get("score").floatValue())
                            .as("scored with version %d's vector", version)
                            .isCloseTo(logit(user, v, space), org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
            assertThat(seen)
                    .as("answers spanned the swap")
                    .contains(first.get(0).getVersion(), last)
                    .hasSizeGreaterThan(3);
            assertThat(answers).hasSizeGreaterThan(50);
        }
        return rebuilds;
    }

    /** The item vectors each version holds, replayed from the updates. */
    private static void record(Map<Long, Map<String, float[]>> itemsAt, List<ModelUpdate> update) {
        ModelUpdate head = update.get(0);
        Map<String, float[]> items =
                head.getKind() == UpdateKind.FULL ? new HashMap<>() : new HashMap<>(itemsAt.get(head.getBaseVersion()));
        for (ModelUpdate chunk : update) {
            for (Tombstone t : chunk.getTombstones()) {
                if (t.getFeature().equals("item")) {
                    items.remove(t.getId());
                }
            }
        }
        for (ModelUpdate chunk : update) {
            for (ItemRow row : chunk.getItemRows()) {
                ByteBuffer bytes = row.getVector().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[bytes.remaining() / 4 + 1];
                bytes.asFloatBuffer().get(v, 0, v.length - 1);
                // log p̂ after the vector's values: the logit needs both
                v[v.length - 1] = row.getLogPopularity();
                items.put(row.getItemId(), v);
            }
        }
        itemsAt.put(head.getVersion(), items);
    }

    /** ⟨u, v⟩/τ + β·log p̂ for an item held as [v, log p̂]. */
    private static float logit(float[] user, float[] withLogPopularity, ScoreSpace space) {
        double uv = 0;
        for (int d = 0; d < user.length; d++) {
            uv += (double) user[d] * withLogPopularity[d];
        }
        return (float) (uv / space.temperature() + space.beta() * withLogPopularity[user.length]);
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
