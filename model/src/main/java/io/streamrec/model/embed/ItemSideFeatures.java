package io.streamrec.model.embed;

import io.streamrec.model.Feature;
import io.streamrec.model.FrozenState;
import io.streamrec.schemas.Behavior;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The latest side information (leaf category, category, shop, brand ids) seen for each item row, so
 * that every item in the vocabulary can be passed through the item tower — for full-catalogue
 * scoring, mixed negatives and the serving index. Ids, not rows, are kept: a side feature's row can
 * be evicted independently of the item.
 */
public final class ItemSideFeatures {

    private static final int SIDE_FEATURE_COUNT = Feature.COUNT - 1;

    private String[][] sideIds = new String[1024][];

    /** Remembers {@code behavior}'s side information for {@code itemRow}. */
    public void record(int itemRow, Behavior behavior) {
        ensure(itemRow + 1);
        String[] ids = new String[SIDE_FEATURE_COUNT];
        for (Feature f : Feature.values()) {
            if (f != Feature.ITEM) {
                ids[f.ordinal() - 1] = f.idOf(behavior);
            }
        }
        sideIds[itemRow] = ids;
    }

    /** Forgets {@code itemRow} (its item was evicted). */
    public void clear(int itemRow) {
        if (itemRow < sideIds.length) {
            sideIds[itemRow] = null;
        }
    }

    /** The id of side feature {@code f} recorded for {@code itemRow}, or null. */
    public String sideId(int itemRow, Feature f) {
        if (f == Feature.ITEM) {
            throw new IllegalArgumentException("ITEM is not side information");
        }
        String[] ids = itemRow < sideIds.length ? sideIds[itemRow] : null;
        return ids == null ? null : ids[f.ordinal() - 1];
    }

    private void ensure(int rows) {
        if (rows > sideIds.length) {
            sideIds = Arrays.copyOf(sideIds, Math.max(rows, sideIds.length * 2));
        }
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy as {@link #writeTo} writes it (each row's ids are replaced, never changed, so rows are shared). */
    public FrozenState freeze() {
        String[][] rows = sideIds.clone();
        return out -> write(rows, out);
    }

    private static void write(String[][] sideIds, DataOutput out) throws IOException {
        out.writeInt(sideIds.length);
        for (String[] ids : sideIds) {
            out.writeBoolean(ids != null);
            if (ids != null) {
                for (String id : ids) {
                    out.writeBoolean(id != null);
                    if (id != null) {
                        out.writeUTF(id);
                    }
                }
            }
        }
    }

    public void readFrom(DataInput in) throws IOException {
        int rows = in.readInt();
        sideIds = new String[rows][];
        for (int r = 0; r < rows; r++) {
            if (in.readBoolean()) {
                String[] ids = new String[SIDE_FEATURE_COUNT];
                for (int i = 0; i < SIDE_FEATURE_COUNT; i++) {
                    ids[i] = in.readBoolean() ? in.readUTF() : null;
                }
                sideIds[r] = ids;
            }
        }
    }
}
