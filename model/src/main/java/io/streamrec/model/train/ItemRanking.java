package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.history.SeenItems;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Exact retrieval over every item, computed in the engine: for user vectors u (L2-normalised) the logit of item j
 * is ⟨u, v_j⟩/τ + β·log p̂_j (the popularity prior, when β > 0) + r_b (the repeat bonus of j's recency bucket in
 * the user's history, when seen items may be recommended); items a ranking leaves out score −∞. A target's rank
 * counts the items scoring at least as high (ties against it, so a degenerate model scores no hits), and the top K
 * come from the engine's top-k. Nothing here leaves the engine but the ranks and the top K ids, so ranking a
 * batch against a large catalogue costs a matrix product and two passes over it, not a Java loop per cell.
 */
final class ItemRanking {

    /** Most logits held at once: users are ranked in chunks of at most this / catalogue size. */
    private static final int CELLS = 1 << 24;

    private final int[] itemRows;
    private final NDArray itemsTransposed;
    private final NDArray prior;
    private final float[] bonus;
    private final float inverseTemperature;
    private final DynamicVocabulary vocabulary;

    /**
     * @param itemRows        the items' vocabulary rows, ascending (the columns)
     * @param items           (N, D) L2-normalised item vectors, row c for {@code itemRows[c]}
     * @param prior           β·log p̂ per column, or null
     * @param bonus           the repeat bonus per recency bucket (bucket 0 first), or null
     */
    ItemRanking(
            int[] itemRows,
            NDArray items,
            float[] prior,
            float[] bonus,
            float temperature,
            DynamicVocabulary vocabulary) {
        this.itemRows = itemRows;
        this.itemsTransposed = items.transpose();
        this.prior = prior == null ? null : items.getManager().create(prior, new Shape(1, prior.length));
        this.bonus = bonus;
        this.inverseTemperature = 1 / temperature;
        this.vocabulary = vocabulary;
    }

    /**
     * Ranks {@code examples} for their users' vectors {@code users} (n, D), leaving out {@code exclude.get(i)} from
     * example i's ranking (never its target); {@code k} = 0 skips the top-K lists.
     */
    List<Ranking> rank(
            NDArray users, List<TrainingExample> examples, int k, List<? extends Collection<String>> exclude) {
        int n = examples.size();
        int columns = itemRows.length;
        List<Ranking> rankings = new ArrayList<>(n);
        int chunk = Math.max(1, CELLS / Math.max(1, columns));
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            NDArray part = from == 0 && to == n ? users : users.get(from + ":" + to);
            rankings.addAll(rankChunk(part, examples.subList(from, to), k, exclude.subList(from, to)));
        }
        return rankings;
    }

    private List<Ranking> rankChunk(
            NDArray users, List<TrainingExample> examples, int k, List<? extends Collection<String>> exclude) {
        NDManager manager = users.getManager();
        int n = examples.size();
        int columns = itemRows.length;
        NDArray logits = users.matMul(itemsTransposed).mul(inverseTemperature);
        if (prior != null) {
            logits = logits.add(prior);
        }
        // sparse changes: the repeat bonus of the items each user took, then −∞ for what the ranking leaves out
        List<Long> bonusCells = new ArrayList<>();
        List<Float> bonusValues = new ArrayList<>();
        List<Long> excludedCells = new ArrayList<>();
        int[] targetColumns = new int[n];
        for (int i = 0; i < n; i++) {
            TrainingExample example = examples.get(i);
            String target = example.getTarget().getItemId();
            targetColumns[i] = column(target);
            long offset = (long) i * columns;
            if (bonus != null) {
                for (Map.Entry<String, Integer> taken :
                        SeenItems.recency(example.getContext()).entrySet()) {
                    int c = column(taken.getKey());
                    if (c >= 0) {
                        bonusCells.add(offset + c);
                        bonusValues.add(bonus[RepeatScore.bucket(taken.getValue())]);
                    }
                }
            }
            for (String id : exclude.get(i)) {
                int c = column(id);
                if (c >= 0 && c != targetColumns[i]) {
                    excludedCells.add(offset + c);
                }
            }
        }
        NDArray flat = logits.reshape(-1);
        if (!bonusCells.isEmpty()) {
            NDArray cells = manager.create(toLongs(bonusCells));
            float[] raised = flat.take(manager, cells).toFloatArray();
            for (int c = 0; c < raised.length; c++) {
                raised[c] += bonusValues.get(c);
            }
            flat = flat.put(cells, manager.create(raised));
        }
        if (!excludedCells.isEmpty()) {
            float[] never = new float[excludedCells.size()];
            Arrays.fill(never, Float.NEGATIVE_INFINITY);
            flat = flat.put(manager.create(toLongs(excludedCells)), manager.create(never));
        }
        logits = flat.reshape(n, columns);
        long[] targetCells = new long[n];
        for (int i = 0; i < n; i++) {
            targetCells[i] = (long) i * columns + Math.max(0, targetColumns[i]);
        }
        float[] targetScores = flat.take(manager, manager.create(targetCells)).toFloatArray();
        long[] atLeast = logits.gte(manager.create(targetScores, new Shape(n, 1)))
                .countNonzero(1)
                .toLongArray();
        long[] top = null;
        float[] topScores = null;
        int kept = Math.min(k, columns);
        if (kept > 0) {
            NDList best = logits.topK(kept, 1, true, true);
            topScores = best.get(0).toFloatArray();
            top = best.get(1).toLongArray();
        }
        List<Ranking> rankings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int rank;
            if (targetColumns[i] < 0) {
                rank = Ranking.UNRANKED;
            } else if (Float.isNaN(targetScores[i])) {
                rank = columns; // a NaN score ranks last
            } else {
                rank = (int) atLeast[i];
            }
            List<String> ids = new ArrayList<>(kept);
            for (int r = 0; r < kept; r++) {
                // fewer items than K outside the exclusions: the rest of the top K is left out, not listed
                if (topScores[i * kept + r] != Float.NEGATIVE_INFINITY) {
                    ids.add(vocabulary.idAt(itemRows[(int) top[i * kept + r]]));
                }
            }
            rankings.add(new Ranking(ids, rank));
        }
        return rankings;
    }

    private int column(String itemId) {
        int row = vocabulary.rowOf(itemId);
        return row == DynamicVocabulary.PADDING_ROW ? -1 : Math.max(-1, Arrays.binarySearch(itemRows, row));
    }

    private static long[] toLongs(List<Long> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
