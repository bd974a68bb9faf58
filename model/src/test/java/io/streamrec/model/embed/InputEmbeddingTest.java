package io.streamrec.model.embed;

import static io.streamrec.model.train.TrainingFixtures.behavior;
import static io.streamrec.model.train.TrainingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputEmbeddingTest {

    private static final int[] DIMS = {4, 3, 2, 2, 1};

    private final Embeddings embeddings = Embeddings.create(specs(), List.of(new TableSpec("gender", 10, 3)), 0.1f, 9);
    private final InputEmbedding input = new InputEmbedding(embeddings, 3, 2);

    private static List<TableSpec> specs() {
        List<TableSpec> specs = new ArrayList<>();
        for (Feature f : Feature.values()) {
            specs.add(new TableSpec(f.wireName(), 100, DIMS[f.ordinal()]));
        }
        return specs;
    }

    @Test
    void buildsTheEncoderInputLayoutWithRecentTruncationPaddingAndMasks() {
        FeatureSnapshot longer = snapshot(
                "u1",
                List.of(behavior("a", "c1", 1), behavior("b", "c1", 2), behavior("c", "c2", 3), behavior("d", "c2", 4)),
                List.of("x", "y", "z"),
                Map.of("gender", "f"));
        FeatureSnapshot empty = snapshot("u2", List.of(), List.of(), Map.of());
        embeddings.admit(longer, 1);
        BatchLookup lookup = embeddings.newLookup();
        InputEmbedding.UserBatch users = input.planUsers(List.of(longer, empty), lookup);
        try (NDManager manager = NDManager.newBaseManager()) {
            lookup.gather(manager, false);
            NDList in = users.materialise(manager);

            assertThat(in).hasSize(EncoderInput.SIZE);
            assertThat(in.get(EncoderInput.SESSION).getShape().getShape()).containsExactly(2, 3, 12);
            assertThat(in.get(EncoderInput.SESSION_MASK).toFloatArray()).containsExactly(1, 1, 1, 0, 0, 0);
            // the 3 most recent session items are kept: b, c, d
            float[] session = in.get(EncoderInput.SESSION).toFloatArray();
            assertThat(slice(session, 0, 4))
                    .containsExactly(embeddings.table(Feature.ITEM).valuesOf("b"));
            assertThat(slice(session, 2 * 12, 4))
                    .containsExactly(embeddings.table(Feature.ITEM).valuesOf("d"));
            assertThat(slice(session, 2 * 12 + 4 + 3, 2))
                    .containsExactly(embeddings.table(Feature.CATEGORY).valuesOf("c2"));
            assertThat(slice(session, 3 * 12, 12)).as("padding is zero").containsOnly(0f);

            assertThat(in.get(EncoderInput.longTerm(Feature.ITEM)).getShape().getShape())
                    .containsExactly(2, 2, 4);
            assertThat(slice(in.get(EncoderInput.longTerm(Feature.ITEM)).toFloatArray(), 4, 4))
                    .containsExactly(embeddings.table(Feature.ITEM).valuesOf("z"));
            assertThat(in.get(EncoderInput.longTermMask(Feature.ITEM)).toFloatArray())
                    .containsExactly(1, 1, 0, 0);
            assertThat(in.get(EncoderInput.longTerm(Feature.BRAND)).getShape().getShape())
                    .containsExactly(2, 1, 1);
            assertThat(in.get(EncoderInput.longTermMask(Feature.BRAND)).toFloatArray())
                    .containsOnly(0f);

            assertThat(in.get(EncoderInput.USER).getShape().getShape()).containsExactly(2, 3);
            assertThat(slice(in.get(EncoderInput.USER).toFloatArray(), 0, 3))
                    .containsExactly(embeddings.profileTables().get(0).valuesOf("f"));
            assertThat(slice(in.get(EncoderInput.USER).toFloatArray(), 3, 3)).containsOnly(0f);
        }
    }

    @Test
    void aRowUsedByUsersAndItemsGathersOnceAndCollectsBothGradients() {
        FeatureSnapshot user = snapshot("u1", List.of(behavior("a", "c1", 1)), List.of(), Map.of());
        embeddings.admit(user, 1);
        BatchLookup lookup = embeddings.newLookup();
        InputEmbedding.UserBatch users = input.planUsers(List.of(user), lookup);
        InputEmbedding.ItemBatch items =
                input.planItems(List.of(embeddings.featureRows(behavior("a", "c1", 1))), lookup);
        try (NDManager manager = NDManager.newBaseManager()) {
            lookup.gather(manager, true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray session = users.materialise(manager).get(EncoderInput.SESSION);
                collector.backward(session.sum().add(items.materialise().sum()));
            }
            BatchRows itemRows = lookup.of(Feature.ITEM);
            assertThat(itemRows.rows())
                    .containsExactly(
                            0, embeddings.table(Feature.ITEM).vocabulary().rowOf("a"));
            assertThat(slice(itemRows.gradient(), 4, 4)).containsOnly(2f);
        }
    }

    private static float[] slice(float[] values, int from, int length) {
        float[] out = new float[length];
        System.arraycopy(values, from, out, 0, length);
        return out;
    }
}
