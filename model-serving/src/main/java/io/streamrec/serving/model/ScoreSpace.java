package io.streamrec.serving.model;

import io.streamrec.model.sync.CompleteUpdate;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ItemRow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;

/**
 * How the service scores an item for a user, as the trainer and the evaluator rank: s(u, j) = ⟨u, v_j⟩/τ + β·log p̂_j,
 * the logit with the popularity prior (p̂ from the trainer's streaming frequency estimator, published with each item
 * row), found by one nearest-neighbour search.
 *
 * <p>With p_j = (log p̂_j − c)/r (c and r the largest log p̂ and the spread of a FULL update's rows, at least 1, so
 * p_j is in [−1, 0] and weighs like a vector coordinate), s(u, j) = ⟨[u/τ, β·r], [v_j, p_j]⟩ + β·c. An inner product over vectors
 * of different norms is not what a graph index walks well, so each item is stored on the unit sphere
 * (Bachrach et al., RecSys 2014, §4): w_j = [v_j, p_j, √(M² − |v_j|² − p_j²)]/M with M² = max |v|² + 2² (room for
 * rows of later deltas whose log p̂ lies up to two spreads beyond the FULL's), and a user
 * asks with q = [u/τ, β·r, 0], so ⟨q, w_j⟩ = (s(u, j) − β·c)/M ranks the items exactly as s does; the score an answer
 * reports is M·⟨q, w_j⟩ + β·c, the logit. A row whose |[v, p]| exceeds M (a later delta) gets 0 as its last coordinate:
 * its score stays exact, only the graph's geometry around it is slightly off. Items similar to an item are asked with
 * [v, 0, 0]: M·⟨·, w_j⟩ = ⟨v, v_j⟩.
 *
 * <p>Without a prior (β = 0, or a trainer that published no log p̂) the index holds v_j, a user asks with u, and the
 * score is ⟨u, v⟩ (whose ranking is that of ⟨u, v⟩/τ).
 *
 * @param beta        β, the trainer's {@code popularity-prior}; 0 when the rows carry no log p̂
 * @param temperature τ, the trainer's {@code temperature}
 * @param center      c, subtracted from log p̂
 * @param range       r, what log p̂ − c is divided by
 * @param norm        M, the bound on |[v, p]|
 */
public record ScoreSpace(double beta, double temperature, double center, double range, double norm) {

    /** No prior: scores are ⟨u, v⟩. */
    public static final ScoreSpace INNER_PRODUCT = new ScoreSpace(0, 1, 0, 1, 1);

    /**
     * How far from the FULL's [c − r, c] the log p̂ of a later row may lie, in spreads, and still fit under M: p up to
     * this in magnitude. Room costs nothing in exactness; it only shrinks the angles between stored items a little.
     */
    private static final double P_ROOM = 2;
    /** The spread assumed without rows to learn it from (log p̂ of a stream's items spans about this much). */
    private static final double DEFAULT_RANGE = 10;

    public ScoreSpace {
        if (!(beta >= 0) || !(temperature > 0) || !(range > 0) || !(norm > 0) || !Double.isFinite(center)) {
            throw new IllegalArgumentException("a score space needs β >= 0, τ > 0, r > 0, M > 0 and a finite c, got β "
                    + beta + ", τ " + temperature + ", r " + range + ", M " + norm + ", c " + center);
        }
    }

    /** The space of a FULL update: its trainer's β and τ, with the prior only if its rows carry log p̂. */
    public static ScoreSpace of(CompleteUpdate full) {
        TrainerConfig config = TrainerConfig.fromMap(full.spec().getModelSettings());
        double beta = config.get(TrainerOptions.POPULARITY_PRIOR);
        double temperature = config.get(TrainerOptions.TEMPERATURE);
        boolean published =
                full.itemRows().findAny().map(r -> r.getLogPopularity() != null).orElse(true);
        if (beta == 0 || !published) {
            return INNER_PRODUCT;
        }
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (Iterator<ItemRow> rows = full.itemRows().iterator(); rows.hasNext(); ) {
            Float logPopularity = rows.next().getLogPopularity();
            if (logPopularity != null) {
                max = Math.max(max, logPopularity);
                min = Math.min(min, logPopularity);
            }
        }
        double center;
        double range;
        if (max == Double.NEGATIVE_INFINITY) {
            // a FULL without rows (a trainer's first): the deltas' log p̂ is still scored exactly
            center = 0;
            range = DEFAULT_RANGE;
        } else {
            center = max;
            range = Math.max(1, max - min);
        }
        double largest = 1;
        for (Iterator<ItemRow> rows = full.itemRows().iterator(); rows.hasNext(); ) {
            largest = Math.max(largest, squaredNorm(floats(rows.next().getVector())));
        }
        // M bounds |[v, p]| for every row whose |v| is within the FULL's and whose p is within ±P_ROOM: such rows lie
        // in the unit ball, as jvector's dot-product graph needs (a row beyond gets 0 as its last coordinate)
        double norm = Math.sqrt(largest + P_ROOM * P_ROOM);
        return new ScoreSpace(beta, temperature, center, range, norm);
    }

    private static double squaredNorm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return sum;
    }

    static float[] floats(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[view.remaining() / Float.BYTES];
        view.asFloatBuffer().get(values);
        return values;
    }

    /** Whether the index holds the prior's two extra coordinates. */
    public boolean hasPrior() {
        return beta > 0;
    }

    /** The width the index holds for item vectors of width {@code dim}. */
    public int indexWidth(int dim) {
        return hasPrior() ? dim + 2 : dim;
    }

    /**
     * An item's row as the index holds it. A row without log p̂ under a prior (a trainer that stopped publishing it)
     * counts as the least popular of the FULL.
     */
    public float[] item(float[] vector, Float logPopularity) {
        if (!hasPrior()) {
            return vector;
        }
        double p = logPopularity == null ? -1 : (logPopularity - center) / range;
        double rest = norm * norm - squaredNorm(vector) - p * p;
        float[] out = new float[vector.length + 2];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (vector[i] / norm);
        }
        out[vector.length] = (float) (p / norm);
        out[vector.length + 1] = (float) (Math.sqrt(Math.max(0, rest)) / norm);
        return out;
    }

    /** A user's (or an interest's) query: [u/τ, β·r, 0] under a prior, else u. */
    public float[] user(float[] vector) {
        if (!hasPrior()) {
            return vector;
        }
        float[] out = new float[vector.length + 2];
        for (int i = 0; i < vector.length; i++) {
            out[i] = (float) (vector[i] / temperature);
        }
        out[vector.length] = (float) (beta * range);
        return out;
    }

    /** The logit of an item for a user, from the index's score of the user's query: M·score + β·c. */
    public float userScore(float indexScore) {
        return hasPrior() ? (float) (norm * indexScore + beta * center) : indexScore;
    }

    /** The query for items similar to one, from its row as the index holds it: [v, 0, 0] under a prior. */
    public float[] similarTo(float[] indexed) {
        if (!hasPrior()) {
            return indexed;
        }
        float[] out = new float[indexed.length];
        for (int i = 0; i < indexed.length - 2; i++) {
            out[i] = (float) (indexed[i] * norm);
        }
        return out;
    }

    /** ⟨v, v_j⟩ from the index's score of a {@link #similarTo} query. */
    public float similarScore(float indexScore) {
        return hasPrior() ? (float) (norm * indexScore) : indexScore;
    }
}
