package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.encode.nn.GraphScalar;

/**
 * Repeat consumption: a learnt score for recommending an item the user already took, by how recently they took it
 * (its recency among the user's distinct {@code history.SeenItems}, 1 the latest). On data where people return to
 * what they touched (re-viewing a product), a two-tower score alone can hardly rank those items first: a user
 * vector sits near a few of the user's items, never near all. So retrieval adds r_b, the learnt bonus of the
 * recency bucket b of item j in the user's history, to the logit: s(u,j) + r_b(u,j), and training learns r through
 * the same softmax (the bonus is added to every column the row's user took before). Buckets grow by doubling:
 * recency 1, 2, 3–4, 5–8, 9–16, 17–32, 33+; bucket 0 (not taken) is fixed at 0.
 *
 * <p>The bonus is {@value #SCALE}·p for a parameter p: Adam moves a parameter by about its learning rate per step
 * whatever its gradient, and a logit bonus worth learning is several units, so without the scale it would take
 * thousands of steps to appear (a preconditioning; the optimum is the same).
 *
 * <p>Input {@code NDList(buckets (B, N) int64)}, output {@code NDList(bonus (B, N))}.
 */
public final class RepeatScore extends AbstractBlock {

    /** Recency buckets with a learnt bonus (bucket 0, not taken, adds nothing). */
    public static final int BUCKETS = 7;

    /** Logit units per unit of the parameter. */
    static final float SCALE = 100f;

    private final Parameter bonus;

    public RepeatScore() {
        this.bonus = addParameter(Parameter.builder()
                .setName("bonus")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(BUCKETS))
                .build());
    }

    /** The bucket of an item taken with recency {@code recency} (1 = the latest distinct item), 0 when not taken. */
    public static int bucket(int recency) {
        if (recency <= 0) {
            return 0;
        }
        int bucket = 1 + (32 - Integer.numberOfLeadingZeros(recency - 1));
        return Math.min(bucket, BUCKETS);
    }

    /** The current bonus per bucket, bucket 0 (not taken) first, for retrieval outside the graph. */
    public float[] bonusByBucket() {
        float[] learnt = bonus.getArray().toFloatArray();
        float[] all = new float[BUCKETS + 1];
        for (int b = 0; b < BUCKETS; b++) {
            all[b + 1] = SCALE * learnt[b];
        }
        return all;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray buckets = inputs.singletonOrThrow();
        NDManager manager = buckets.getManager();
        NDArray values = ps.getValue(bonus, buckets.getDevice(), training);
        NDArray scaled = values.mul(GraphScalar.of(SCALE, values));
        NDArray table = NDArrays.concat(new NDList(manager.zeros(new Shape(1), DataType.FLOAT32), scaled), 0);
        return new NDList(table.take(manager, buckets));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
