package io.streamrec.model.vocab;

import io.streamrec.model.FrozenState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Maps string ids to embedding rows without hashing, so two ids never share a row.
 *
 * <p>Row {@value #PADDING_ROW} is reserved for padding and unknown ids; ids occupy rows 1..capacity.
 * The vocabulary grows as {@link #admit} sees new ids. Once full, a new id takes the row of the
 * <em>coldest</em> id: the one whose last admission happened at the earliest training step (ties
 * broken by admission order). Each eviction is logged with its step so the next model delta can
 * carry it as a tombstone.
 *
 * <p>Not thread-safe: one writer (the trainer, or a replica applying updates) and no concurrent
 * readers. {@link #rowOf} never changes state, so a replica's lookups do not disturb recency.
 */
public final class DynamicVocabulary {

    /** The row of padding positions and of every id the vocabulary does not hold. */
    public static final int PADDING_ROW = 0;

    private static final int FORMAT = 1;
    private static final int INITIAL_ROWS = 1024;

    private final String name;
    private final int capacity;
    private final HashMap<String, Integer> rows = new HashMap<>();
    /**
     * The recency list, threaded through the rows: {@code older[row]} / {@code newer[row]} link each
     * held row to its neighbours in admission order (0 ends the list), so re-admitting an id moves it
     * to the hot end in O(1) without allocating.
     */
    private int[] older = new int[1];

    private int[] newer = new int[1];
    private int coldest;
    private int hottest;
    private final ArrayDeque<Integer> freeRows = new ArrayDeque<>();
    private final List<Eviction> evictions = new ArrayList<>();
    private String[] idsByRow = new String[1];
    private long[] lastSeenByRow = new long[1];
    private int highestRow;
    private IntConsumer rowAssigned = row -> {};

    /**
     * @param name     what the ids are (a feature name), used in messages and serialisation
     * @param capacity how many ids it holds before evicting, at least 1
     */
    public DynamicVocabulary(String name, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "vocabulary '" + name + "' needs a capacity of at least 1, got " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
    }

    /** Called with the row each time an id is given a row (new, reused after eviction, or freed and reused). */
    public void onRowAssigned(IntConsumer listener) {
        this.rowAssigned = listener;
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    /** How many ids hold a row. */
    public int size() {
        return rows.size();
    }

    /** One more than the highest row ever assigned: tables sized to this hold every row. */
    public int rowBound() {
        return highestRow + 1;
    }

    /** The row of {@code id}, or {@link #PADDING_ROW} when it is null or unknown. Read-only. */
    public int rowOf(String id) {
        if (id == null) {
            return PADDING_ROW;
        }
        Integer row = rows.get(id);
        return row == null ? PADDING_ROW : row;
    }

    /** The id holding {@code row}, or null for padding and free rows. */
    public String idAt(int row) {
        return row > 0 && row < idsByRow.length ? idsByRow[row] : null;
    }

    /** The training step at which the id in {@code row} was last admitted. */
    public long lastSeen(int row) {
        return lastSeenByRow[row];
    }

    /**
     * Marks {@code id} as seen at {@code step} and returns its row, giving it one if it has none:
     * a never-used row while there is room, else the row of the coldest id, which is evicted.
     * A null id maps to {@link #PADDING_ROW} and changes nothing.
     */
    public int admit(String id, long step) {
        if (id == null) {
            return PADDING_ROW;
        }
        Integer known = rows.get(id);
        int row;
        if (known != null) {
            row = known;
            unlink(row);
        } else {
            row = freeRow(step);
            idsByRow[row] = id;
            rows.put(id, row);
        }
        appendHottest(row);
        lastSeenByRow[row] = step;
        if (known == null) {
            rowAssigned.accept(row);
        }
        return row;
    }

    /** Drops {@code id} (a consumer applying a tombstone); its row becomes free. Returns the row, or 0 if unknown. */
    public int remove(String id) {
        Integer row = rows.remove(id);
        if (row == null) {
            return PADDING_ROW;
        }
        unlink(row);
        idsByRow[row] = null;
        freeRows.push(row);
        return row;
    }

    /** Evictions that happened after {@code step}, oldest first. */
    public List<Eviction> evictionsAfter(long step) {
        List<Eviction> result = new ArrayList<>();
        for (int i = evictions.size() - 1; i >= 0 && evictions.get(i).step() > step; i--) {
            result.add(evictions.get(i));
        }
        Collections.reverse(result);
        return result;
    }

    /** Forgets logged evictions at or before {@code step}: no delta will be asked to reach back that far. */
    public void forgetEvictionsUpTo(long step) {
        evictions.removeIf(e -> e.step() <= step);
    }

    /** Ids in recency order, coldest first. */
    public List<String> idsColdestFirst() {
        List<String> ids = new ArrayList<>(rows.size());
        for (int row = coldest; row != 0; row = newer[row]) {
            ids.add(idsByRow[row]);
        }
        return ids;
    }

    private int freeRow(long step) {
        if (!freeRows.isEmpty()) {
            return freeRows.pop();
        }
        if (rows.size() < capacity) {
            int row = ++highestRow;
            ensureRows(row + 1);
            return row;
        }
        int row = coldest;
        unlink(row);
        String victim = idsByRow[row];
        rows.remove(victim);
        evictions.add(new Eviction(victim, row, step));
        return row;
    }

    private void unlink(int row) {
        int before = older[row];
        int after = newer[row];
        if (before == 0) {
            coldest = after;
        } else {
            newer[before] = after;
        }
        if (after == 0) {
            hottest = before;
        } else {
            older[after] = before;
        }
        older[row] = 0;
        newer[row] = 0;
    }

    private void appendHottest(int row) {
        older[row] = hottest;
        newer[row] = 0;
        if (hottest == 0) {
            coldest = row;
        } else {
            newer[hottest] = row;
        }
        hottest = row;
    }

    private void ensureRows(int needed) {
        if (needed > idsByRow.length) {
            int size = Math.max(needed, Math.min(capacity + 1, Math.max(INITIAL_ROWS, idsByRow.length * 2)));
            idsByRow = Arrays.copyOf(idsByRow, size);
            lastSeenByRow = Arrays.copyOf(lastSeenByRow, size);
            older = Arrays.copyOf(older, size);
            newer = Arrays.copyOf(newer, size);
        }
    }

    /** Writes the exact state: ids with rows and last-seen steps in recency order, free rows, eviction log. */
    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of the state as {@link #writeTo} writes it, to be written later (ids are immutable, so not copied). */
    public FrozenState freeze() {
        int size = rows.size();
        String[] ids = new String[size];
        int[] rowsInOrder = new int[size];
        long[] lastSeen = new long[size];
        int n = 0;
        for (int row = coldest; row != 0; row = newer[row]) {
            ids[n] = idsByRow[row];
            rowsInOrder[n] = row;
            lastSeen[n++] = lastSeenByRow[row];
        }
        int[] free = freeRows.stream().mapToInt(Integer::intValue).toArray();
        Eviction[] evicted = evictions.toArray(new Eviction[0]);
        int highest = highestRow;
        return out -> {
            out.writeInt(FORMAT);
            out.writeUTF(name);
            out.writeInt(capacity);
            out.writeInt(highest);
            out.writeInt(size);
            for (int i = 0; i < size; i++) {
                out.writeUTF(ids[i]);
                out.writeInt(rowsInOrder[i]);
                out.writeLong(lastSeen[i]);
            }
            out.writeInt(free.length);
            for (int row : free) {
                out.writeInt(row);
            }
            out.writeInt(evicted.length);
            for (Eviction e : evicted) {
                out.writeUTF(e.id());
                out.writeInt(e.row());
                out.writeLong(e.step());
            }
        };
    }

    /** Reads what {@link #writeTo} wrote. The row-assigned listener is not restored: set it again. */
    public static DynamicVocabulary readFrom(DataInput in) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unsupported vocabulary format " + format + " (this build reads " + FORMAT + ")");
        }
        DynamicVocabulary v = new DynamicVocabulary(in.readUTF(), in.readInt());
        v.highestRow = in.readInt();
        v.ensureRows(v.highestRow + 1);
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            String id = in.readUTF();
            int row = in.readInt();
            v.rows.put(id, row);
            v.idsByRow[row] = id;
            v.lastSeenByRow[row] = in.readLong();
            v.appendHottest(row);
        }
        int free = in.readInt();
        for (int i = 0; i < free; i++) {
            v.freeRows.addLast(in.readInt());
        }
        int logged = in.readInt();
        for (int i = 0; i < logged; i++) {
            v.evictions.add(new Eviction(in.readUTF(), in.readInt(), in.readLong()));
        }
        return v;
    }
}
