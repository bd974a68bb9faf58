package io.streamrec.model.sync;

import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.EmbeddingRow;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.Tombstone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Packs the parts of one model version into {@link ModelUpdate} chunks whose Avro-binary size stays
 * under a limit. Sizes are upper bounds of the binary encoding (strings and bytes cost their length
 * plus a ≤5-byte length prefix; longs ≤10 bytes), so no chunk is encoded twice. The first chunk of a
 * FULL also carries the model spec.
 */
final class ChunkPacker {

    /** Upper bound of the fixed fields and the four array headers/footers of a chunk. */
    private static final int HEADER_BYTES = 256;

    private final int maxBytes;
    private final List<ModelUpdate.Builder> chunks = new ArrayList<>();
    private ModelUpdate.Builder current;
    private long currentBytes;

    /** {@code spec}: the model spec the first chunk carries (a FULL's), or null. */
    ChunkPacker(int maxBytes, ModelSpec spec) {
        this.maxBytes = maxBytes;
        startChunk();
        if (spec != null) {
            current.setSpec(spec);
            currentBytes += text(spec.getEncoderName())
                    + settings(spec.getEncoderSettings())
                    + settings(spec.getModelSettings());
        }
    }

    private static long settings(Map<String, String> settings) {
        long size = 10;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            size += text(e.getKey()) + text(e.getValue());
        }
        return size;
    }

    void add(DenseParameter p) {
        long size = text(p.getName())
                + 10L * (p.getShape().size() + 1)
                + bytes(p.getValues().remaining());
        room(size, "dense parameter " + p.getName()).getDense().add(p);
    }

    void add(EmbeddingRow r) {
        long size = text(r.getFeature()) + text(r.getId()) + bytes(r.getValues().remaining());
        room(size, "embedding row " + r.getId()).getEmbeddingRows().add(r);
    }

    void add(ItemRow r) {
        long size = text(r.getItemId())
                + 4 * 6L
                + optional(r.getLeafCategoryId())
                + optional(r.getCategoryId())
                + optional(r.getShopId())
                + optional(r.getBrandId())
                + bytes(r.getVector().remaining())
                + 5; // log p̂: a union index and a float
        room(size, "item row " + r.getItemId()).getItemRows().add(r);
    }

    void add(Tombstone t) {
        room(text(t.getFeature()) + text(t.getId()), "tombstone " + t.getId())
                .getTombstones()
                .add(t);
    }

    List<ModelUpdate.Builder> chunks() {
        return chunks;
    }

    private ModelUpdate.Builder room(long size, String what) {
        if (HEADER_BYTES + size > maxBytes) {
            throw new IllegalStateException(
                    what + " alone needs about " + size + " bytes, more than the maximum message size of " + maxBytes
                            + "; raise the max message size (and the topic's max.message.bytes)");
        }
        if (currentBytes + size > maxBytes) {
            startChunk();
        }
        currentBytes += size;
        return current;
    }

    private void startChunk() {
        current = ModelUpdate.newBuilder()
                .setDense(new ArrayList<>())
                .setEmbeddingRows(new ArrayList<>())
                .setItemRows(new ArrayList<>())
                .setTombstones(new ArrayList<>());
        chunks.add(current);
        currentBytes = HEADER_BYTES;
    }

    private static long text(String s) {
        return bytes(s.length() * 3L);
    }

    private static long optional(String s) {
        return s == null ? 1 : 1 + text(s);
    }

    private static long bytes(long length) {
        return length + 5;
    }
}
