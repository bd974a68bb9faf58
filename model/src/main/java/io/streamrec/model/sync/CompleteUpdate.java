package io.streamrec.model.sync;

import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.EmbeddingRow;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.Tombstone;
import io.streamrec.schemas.UpdateKind;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every chunk of one model version, in chunk order: the unit a consumer applies (a FULL update or a DELTA on
 * {@link #baseVersion()}).
 */
public record CompleteUpdate(List<ModelUpdate> chunks) {

    public CompleteUpdate {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("an update has at least one chunk");
        }
        chunks = List.copyOf(chunks);
    }

    public String modelName() {
        return first().getModelName();
    }

    public long version() {
        return first().getVersion();
    }

    public UpdateKind kind() {
        return first().getKind();
    }

    public boolean isFull() {
        return kind() == UpdateKind.FULL;
    }

    /** The version a DELTA applies on top of; null for a FULL. */
    public Long baseVersion() {
        return first().getBaseVersion();
    }

    /** Wall-clock time the trainer cut this version, epoch ms. */
    public long createdAt() {
        return first().getCreatedAt();
    }

    /** The complete model spec a FULL carries in its first chunk; null for a DELTA. */
    public ModelSpec spec() {
        return first().getSpec();
    }

    public Stream<DenseParameter> dense() {
        return chunks.stream().flatMap(c -> c.getDense().stream());
    }

    public Stream<EmbeddingRow> embeddingRows() {
        return chunks.stream().flatMap(c -> c.getEmbeddingRows().stream());
    }

    public Stream<ItemRow> itemRows() {
        return chunks.stream().flatMap(c -> c.getItemRows().stream());
    }

    public Stream<Tombstone> tombstones() {
        return chunks.stream().flatMap(c -> c.getTombstones().stream());
    }

    /** "FULL version 12" or "DELTA version 13 on 12", for logs and refusals. */
    public String describe() {
        return isFull() ? "FULL version " + version() : "DELTA version " + version() + " on " + baseVersion();
    }

    private ModelUpdate first() {
        return chunks.get(0);
    }
}
