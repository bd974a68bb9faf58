package io.streamrec.model.sync;

import io.streamrec.model.embed.Embeddings;
import io.streamrec.model.embed.FeatureTable;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.RetrievalModel;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.EmbeddingRow;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.Tombstone;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encoder-side copy of the model, separate from the training weights, kept current by the
 * {@link ModelUpdate} stream.
 *
 * <p>Chunks are buffered until their version is complete, then applied whole, in version order: a
 * FULL snapshot replaces the model (a fresh copy is built, then swapped in); a DELTA applies only
 * on top of the version it names as its base. A delta whose base is not the current version is
 * held — until the missing versions arrive, or until the next FULL makes it obsolete. Updates at or
 * below the current version are ignored, so replays are harmless.
 *
 * <p>Single-threaded: call {@link #apply} and {@link #encode} from one thread (a Flink task's).
 */
public final class EncoderReplica implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderReplica.class);

    private final Function<EncoderDimensions, UserEncoder> encoderFactory;
    private final Map<Long, List<ModelUpdate>> partial = new HashMap<>();
    /** Complete deltas waiting for their base, by base version. */
    private final TreeMap<Long, List<ModelUpdate>> held = new TreeMap<>();

    private RetrievalModel model;
    private long version;

    public EncoderReplica(Function<EncoderDimensions, UserEncoder> encoderFactory) {
        this.encoderFactory = encoderFactory;
    }

    /** The version the replica encodes with; 0 until the first FULL snapshot is applied. */
    public long version() {
        return version;
    }

    /** True once a FULL snapshot has been applied. */
    public boolean ready() {
        return model != null;
    }

    /** Complete deltas waiting for their base version. */
    public int heldDeltas() {
        return held.size();
    }

    /** Takes one chunk; applies every version it completes (and any held deltas that then fit). */
    public void apply(ModelUpdate chunk) {
        if (chunk.getVersion() <= version) {
            return;
        }
        List<ModelUpdate> chunks = partial.computeIfAbsent(chunk.getVersion(), v -> new ArrayList<>());
        if (chunks.stream().noneMatch(c -> c.getChunkIndex() == chunk.getChunkIndex())) {
            chunks.add(chunk);
        }
        if (chunks.size() < chunk.getChunkCount()) {
            return;
        }
        partial.remove(chunk.getVersion());
        chunks.sort((a, b) -> Integer.compare(a.getChunkIndex(), b.getChunkIndex()));
        if (chunk.getKind() == UpdateKind.FULL) {
            applyFull(chunks);
        } else {
            Long base = chunk.getBaseVersion();
            if (base == null) {
                throw new IllegalArgumentException("delta version " + chunk.getVersion() + " has no baseVersion");
            }
            held.put(base, chunks);
        }
        applyHeldDeltas();
    }

    private void applyFull(List<ModelUpdate> chunks) {
        Map<String, String> settings = new LinkedHashMap<>(chunks.get(0).getConfig());
        String encoderName = settings.remove(ModelUpdates.ENCODER_KEY);
        RetrievalModel fresh = RetrievalModel.create(TrainerConfig.fromMap(settings), encoderFactory);
        if (encoderName != null && !encoderName.equals(fresh.encoder().name())) {
            fresh.close();
            throw new IllegalArgumentException(
                    "snapshot version " + chunks.get(0).getVersion() + " is for encoder '" + encoderName
                            + "' but this replica builds '" + fresh.encoder().name() + "'");
        }
        long full = chunks.get(0).getVersion();
        applyContents(fresh, chunks, full);
        RetrievalModel previous = model;
        model = fresh;
        version = full;
        if (previous != null) {
            previous.close();
        }
        held.headMap(full).clear();
        partial.keySet().removeIf(v -> v <= full);
        LOG.debug("applied FULL snapshot version {}", full);
    }

    private void applyHeldDeltas() {
        while (model != null && held.containsKey(version)) {
            List<ModelUpdate> chunks = held.remove(version);
            long next = chunks.get(0).getVersion();
            applyContents(model, chunks, next);
            version = next;
            LOG.debug("applied DELTA version {}", next);
        }
    }

    private static void applyContents(RetrievalModel target, List<ModelUpdate> chunks, long updateVersion) {
        Embeddings embeddings = target.embeddings();
        for (ModelUpdate chunk : chunks) {
            for (Tombstone t : chunk.getTombstones()) {
                table(embeddings, t.getFeature()).vocabulary().remove(t.getId());
            }
        }
        for (ModelUpdate chunk : chunks) {
            for (DenseParameter p : chunk.getDense()) {
                long[] shape = p.getShape().stream().mapToLong(Long::longValue).toArray();
                target.denseParameters().set(p.getName(), shape, FloatBytes.decode(p.getValues()));
            }
            for (EmbeddingRow row : chunk.getEmbeddingRows()) {
                table(embeddings, row.getFeature()).put(row.getId(), FloatBytes.decode(row.getValues()), updateVersion);
            }
        }
    }

    private static FeatureTable table(Embeddings embeddings, String feature) {
        FeatureTable table = embeddings.byName(feature);
        if (table == null) {
            throw new IllegalArgumentException(
                    "update names feature '" + feature + "', which this model does not have");
        }
        return table;
    }

    /** User vectors at the current version, gradients off. */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        if (model == null) {
            throw new IllegalStateException("no FULL snapshot applied yet; wait for one on the model-updates topic");
        }
        return model.encode(snapshots);
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
