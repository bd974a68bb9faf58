package io.streamrec.model.embed;

import io.streamrec.model.FrozenState;
import io.streamrec.model.vocab.DynamicVocabulary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One feature's vocabulary and embedding table, kept in step: whenever the vocabulary gives an id a
 * row (new, or recycled from an evicted id), the row restarts from that id's initial values.
 */
public final class FeatureTable {

    private final DynamicVocabulary vocabulary;
    private final EmbeddingTable table;
    private final List<IntConsumer> rowListeners = new ArrayList<>();

    public FeatureTable(TableSpec spec, float initStd, long seed) {
        this(new DynamicVocabulary(spec.name(), spec.capacity()), spec, initStd, seed);
    }

    private FeatureTable(DynamicVocabulary vocabulary, TableSpec spec, float initStd, long seed) {
        this.vocabulary = vocabulary;
        this.table = new EmbeddingTable(
                spec.dim(), spec.capacity() + 1, initStd, seed ^ spec.name().hashCode());
        vocabulary.onRowAssigned(row -> {
            table.initialise(row, vocabulary.idAt(row), vocabulary.lastSeen(row));
            rowListeners.forEach(listener -> listener.accept(row));
        });
    }

    /** Also notifies {@code listener} each time a row has been (re)initialised for a new id. */
    public void onRowAssigned(IntConsumer listener) {
        rowListeners.add(listener);
    }

    public String name() {
        return vocabulary.name();
    }

    public int dim() {
        return table.dim();
    }

    public DynamicVocabulary vocabulary() {
        return vocabulary;
    }

    public EmbeddingTable table() {
        return table;
    }

    /** Sets {@code id}'s row to {@code values} (a replica applying an update), giving it a row if needed. */
    public void put(String id, float[] values, long version) {
        int row = vocabulary.admit(id, version);
        table.write(row, values, 0, version);
    }

    /** {@code id}'s current values, or null if it has no row. */
    public float[] valuesOf(String id) {
        int row = vocabulary.rowOf(id);
        if (row == DynamicVocabulary.PADDING_ROW) {
            return null;
        }
        float[] values = new float[table.dim()];
        table.read(row, values, 0);
        return values;
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of vocabulary and rows as {@link #writeTo} writes them. */
    public FrozenState freeze() {
        FrozenState ids = vocabulary.freeze();
        FrozenState rows = table.freeze(vocabulary.rowBound());
        return out -> {
            ids.writeTo(out);
            rows.writeTo(out);
        };
    }

    /** Reads what {@link #writeTo} wrote into a table built for the same {@code spec}. */
    public static FeatureTable readFrom(DataInput in, TableSpec spec, float initStd, long seed) throws IOException {
        DynamicVocabulary vocabulary = DynamicVocabulary.readFrom(in);
        if (!vocabulary.name().equals(spec.name()) || vocabulary.capacity() != spec.capacity()) {
            throw new IOException("saved vocabulary '" + vocabulary.name() + "' (capacity " + vocabulary.capacity()
                    + ") does not match the configured " + spec + "; load with the configuration it was saved with");
        }
        FeatureTable restored = new FeatureTable(vocabulary, spec, initStd, seed);
        restored.table.readFrom(in);
        return restored;
    }
}
