package io.streamrec.model.sync;

import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a complete model version is checked before any consumer applies it: a version that fails
 * is refused whole, so no replica is ever left half-updated. This base check needs no model: a FULL carries a
 * spec of the encoder it is named after, every vector is whole float32 values and finite, item vectors have one
 * width, dense shapes match their values. A replica adds what only it can check (feature names, widths against its model) before it mutates
 * anything. Extend it (override {@link #problems}) to refuse more.
 */
public class UpdateValidator {

    /** At most this many problems are named in one refusal. */
    private static final int MAX_NAMED = 5;

    /** The standard checks. */
    public static UpdateValidator standard() {
        return new UpdateValidator();
    }

    /**
     * Checks {@code update}.
     *
     * @throws RefusedUpdateException naming the first problems found: {@code foreign-model} for a FULL whose spec is
     *     of another encoder than the model it is published as, {@code invalid-values} for everything else
     */
    public final void validate(CompleteUpdate update) {
        String foreign = foreignSpec(update);
        if (foreign != null) {
            throw new RefusedUpdateException(
                    UpdateRefusal.Reason.FOREIGN_MODEL, update.describe() + " refused: " + foreign);
        }
        List<String> problems = problems(update);
        if (!problems.isEmpty()) {
            List<String> named = problems.subList(0, Math.min(MAX_NAMED, problems.size()));
            throw new RefusedUpdateException(
                    UpdateRefusal.Reason.INVALID_VALUES,
                    update.describe() + " refused: " + String.join("; ", named)
                            + (problems.size() > MAX_NAMED ? " (and " + (problems.size() - MAX_NAMED) + " more)" : ""));
        }
    }

    private static String foreignSpec(CompleteUpdate update) {
        ModelSpec spec = update.spec();
        if (update.isFull() && spec != null && !spec.getEncoderName().equals(update.modelName())) {
            return "the model spec is for encoder '" + spec.getEncoderName() + "' but the update is of model '"
                    + update.modelName() + "' (a model is named after its encoder)";
        }
        return null;
    }

    /** Every problem found, empty when the update may be applied. */
    protected List<String> problems(CompleteUpdate update) {
        List<String> problems = new ArrayList<>();
        if (update.isFull() && update.spec() == null) {
            problems.add("a FULL update carries no model spec");
        }
        int[] itemWidth = {-1};
        update.itemRows().forEach(row -> checkItem(row, itemWidth, problems));
        update.embeddingRows()
                .forEach(row -> checkVector(
                        "embedding row " + row.getFeature() + ":" + row.getId(), row.getValues(), problems));
        update.dense().forEach(p -> checkDense(p, problems));
        update.tombstones().forEach(t -> {
            if (t.getId().isEmpty()) {
                problems.add("a tombstone of " + t.getFeature() + " has an empty id");
            }
        });
        return problems;
    }

    private static void checkItem(ItemRow row, int[] width, List<String> problems) {
        String what = "item row " + row.getItemId();
        if (row.getItemId().isEmpty()) {
            problems.add("an item row has an empty id");
        }
        int floats = checkVector(what, row.getVector(), problems);
        if (floats == 0) {
            problems.add(what + " has an empty vector");
        } else if (width[0] < 0) {
            width[0] = floats;
        } else if (floats != width[0]) {
            problems.add(what + " has " + floats + " values where the update's other items have " + width[0]);
        }
    }

    private static void checkDense(DenseParameter p, List<String> problems) {
        int floats = checkVector("dense parameter " + p.getName(), p.getValues(), problems);
        long expected = 1;
        for (long d : p.getShape()) {
            expected *= d;
        }
        if (floats >= 0 && expected != floats) {
            problems.add(
                    "dense parameter " + p.getName() + " has shape " + p.getShape() + " but " + floats + " values");
        }
    }

    /** The number of floats, or -1 after naming the problem. */
    private static int checkVector(String what, ByteBuffer bytes, List<String> problems) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (view.remaining() % Float.BYTES != 0) {
            problems.add(what + " has " + view.remaining() + " bytes, not whole float32 values");
            return -1;
        }
        int floats = view.remaining() / Float.BYTES;
        for (int i = 0; i < floats; i++) {
            if (!Float.isFinite(view.getFloat(view.position() + i * Float.BYTES))) {
                problems.add(what + " holds a non-finite value at " + i);
                return -1;
            }
        }
        return floats;
    }
}
