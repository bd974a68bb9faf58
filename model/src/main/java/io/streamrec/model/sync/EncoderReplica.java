package io.streamrec.model.sync;

import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.embed.Embeddings;
import io.streamrec.model.embed.FeatureTable;
import io.streamrec.model.train.DenseParameters;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.LongTermCache;
import io.streamrec.model.train.RetrievalModel;
import io.streamrec.model.train.SessionBuckets;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.EmbeddingRow;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.Tombstone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An encoder-side copy of the model, separate from the training weights: built from a FULL update alone (its
 * {@code ModelSpec} says which encoder and every setting), then advanced by deltas. {@link ReplicaSync} decides
 * which versions reach it and when.
 *
 * <p>Single-threaded: {@link #applyDelta} and {@link #encode} from one thread at a time.
 */
public final class EncoderReplica implements Replica {

    private final RetrievalModel model;
    private long version;

    private EncoderReplica(RetrievalModel model, long version) {
        this.model = model;
        this.version = version;
    }

    /**
     * Builds the model a FULL update describes and loads its values.
     *
     * @throws IllegalArgumentException if the snapshot's spec or values do not make a model
     */
    public static EncoderReplica fromFull(CompleteUpdate full) {
        if (!full.isFull() || full.spec() == null) {
            throw new IllegalArgumentException(full.describe() + " is not a FULL update with a model spec");
        }
        JniUtils.setGradMode(false);
        RetrievalModel model = ModelSpecs.build(full.spec());
        try {
            checkFits(model, full);
            load(model, full);
            return new EncoderReplica(model, full.version());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public long version() {
        return version;
    }

    /** The encoder's name (sdm, sine, meanpool). */
    public String encoderName() {
        return model.encoder().name();
    }

    /** K, the interest vectors per user. */
    public int interestCount() {
        return model.encoder().interestCount();
    }

    @Override
    public void applyDelta(CompleteUpdate delta) {
        if (delta.isFull() || delta.baseVersion() == null || delta.baseVersion() != version) {
            throw new IllegalArgumentException(
                    delta.describe() + " does not apply on top of version " + version + " held here");
        }
        checkFits(model, delta);
        load(model, delta);
        version = delta.version();
    }

    /** Every feature, dense parameter and width the update names exists here, so loading it cannot fail halfway. */
    private static void checkFits(RetrievalModel model, CompleteUpdate update) {
        Embeddings embeddings = model.embeddings();
        for (Tombstone t : (Iterable<Tombstone>) update.tombstones()::iterator) {
            table(embeddings, t.getFeature());
        }
        for (EmbeddingRow row : (Iterable<EmbeddingRow>) update.embeddingRows()::iterator) {
            FeatureTable table = table(embeddings, row.getFeature());
            int floats = row.getValues().remaining() / Float.BYTES;
            if (floats != table.dim()) {
                throw new IllegalArgumentException(update.describe() + ": row " + row.getFeature() + ":" + row.getId()
                        + " has " + floats + " values, the table has width " + table.dim());
            }
        }
        DenseParameters dense = model.denseParameters();
        for (DenseParameter p : (Iterable<DenseParameter>) update.dense()::iterator) {
            if (!dense.names().contains(p.getName())) {
                throw new IllegalArgumentException(update.describe() + " names dense parameter '" + p.getName()
                        + "', which this model does not have");
            }
            long[] shape = p.getShape().stream().mapToLong(Long::longValue).toArray();
            if (!Arrays.equals(shape, dense.shape(p.getName()))) {
                throw new IllegalArgumentException(update.describe() + ": dense parameter " + p.getName()
                        + " has shape " + Arrays.toString(shape) + ", the model's is "
                        + Arrays.toString(dense.shape(p.getName())));
            }
        }
    }

    private static void load(RetrievalModel target, CompleteUpdate update) {
        Embeddings embeddings = target.embeddings();
        update.tombstones()
                .forEach(t -> table(embeddings, t.getFeature()).vocabulary().remove(t.getId()));
        update.dense().forEach(p -> {
            long[] shape = p.getShape().stream().mapToLong(Long::longValue).toArray();
            target.denseParameters().set(p.getName(), shape, FloatBytes.decode(p.getValues()));
        });
        long at = update.version();
        update.embeddingRows()
                .forEach(row ->
                        table(embeddings, row.getFeature()).put(row.getId(), FloatBytes.decode(row.getValues()), at));
    }

    private static FeatureTable table(Embeddings embeddings, String feature) {
        FeatureTable table = embeddings.byName(feature);
        if (table == null) {
            throw new IllegalArgumentException(
                    "update names feature '" + feature + "', which this model does not have");
        }
        return table;
    }

    /** User vectors at this version, gradients off. */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return snapshots.isEmpty() ? new ArrayList<>() : model.encode(snapshots);
    }

    /**
     * User vectors at this version, gradients off: in sub-batches of similar session length, the long-term
     * branch taken from {@code cache} (keyed by this replica's version) where it is still valid; null: no cache.
     */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots, SessionBuckets buckets, LongTermCache cache) {
        return snapshots.isEmpty() ? new ArrayList<>() : model.encode(snapshots, buckets, cache, version);
    }

    @Override
    public void close() {
        model.close();
    }
}
