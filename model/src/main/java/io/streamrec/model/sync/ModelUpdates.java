package io.streamrec.model.sync;

import ai.djl.ndarray.NDManager;
import io.streamrec.model.Feature;
import io.streamrec.model.embed.EmbeddingTable;
import io.streamrec.model.embed.Embeddings;
import io.streamrec.model.embed.FeatureTable;
import io.streamrec.model.estimator.StreamingFrequencyEstimator;
import io.streamrec.model.train.DenseParameters;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.RetrievalModel;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.model.vocab.Eviction;
import io.streamrec.schemas.DenseParameter;
import io.streamrec.schemas.EmbeddingRow;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.Tombstone;
import io.streamrec.schemas.UpdateKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a trainer's state into {@link ModelUpdate}s: a FULL update (the complete model spec, dense parameters,
 * every embedding row, every item-tower row) or a DELTA since an earlier version (dense parameters,
 * the rows changed since, tombstones for evicted ids). Each update gets the next version of the
 * trainer's {@link io.streamrec.model.train.ModelVersions}, and is cut into chunks that each stay
 * under the maximum message size.
 *
 * <p>Item-tower rows in a delta: with the identity tower, the items any of whose feature rows
 * changed or whose side ids were evicted; with an MLP tower every item vector moves on every step,
 * so a delta carries them all.
 *
 * <p>Call on the trainer's thread, between steps. A FULL update forgets older versions and
 * evictions: deltas are based on the FULL or later, and consumers behind it wait for it anyway.
 */
public final class ModelUpdates {

    /** Default largest chunk, under Kafka's default 1 MiB message limit with room for the record overhead. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 900 * 1024;
    /** Items passed through the item tower at once, bounding memory for large catalogues. */
    private static final int ITEM_TOWER_BLOCK = 1 << 16;

    private final OnlineTrainer trainer;
    private final int maxMessageBytes;
    private final Clock clock;

    public ModelUpdates(OnlineTrainer trainer) {
        this(trainer, DEFAULT_MAX_MESSAGE_BYTES, Clock.systemUTC());
    }

    public ModelUpdates(OnlineTrainer trainer, int maxMessageBytes, Clock clock) {
        if (maxMessageBytes < 16 * 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 16 KiB, got " + maxMessageBytes);
        }
        this.trainer = trainer;
        this.maxMessageBytes = maxMessageBytes;
        this.clock = clock;
    }

    /** The model name every update carries (the encoder's name). */
    public String modelName() {
        return trainer.model().encoder().name();
    }

    /** A FULL update of the current state, as a new version, in chunks. */
    public List<ModelUpdate> full() {
        long step = trainer.stepCount();
        long version = trainer.versions().next(step);
        Contents contents = collect(-1);
        trainer.versions().forgetBefore(version);
        for (FeatureTable table : trainer.model().embeddings().tables()) {
            table.vocabulary().forgetEvictionsUpTo(step);
        }
        return chunk(UpdateKind.FULL, version, null, ModelSpecs.of(trainer.model()), contents);
    }

    /** A DELTA from {@code sinceVersion} (a version this trainer published) to the current state, as a new version. */
    public List<ModelUpdate> delta(long sinceVersion) {
        long sinceStep = trainer.versions().stepAt(sinceVersion);
        long version = trainer.versions().next(trainer.stepCount());
        return chunk(UpdateKind.DELTA, version, sinceVersion, null, collect(sinceStep));
    }

    /** Everything changed after {@code sinceStep}; everything at all when it is negative. */
    private Contents collect(long sinceStep) {
        RetrievalModel model = trainer.model();
        Embeddings embeddings = model.embeddings();
        Contents c = new Contents();
        DenseParameters dense = model.denseParameters();
        for (String name : dense.names()) {
            List<Long> shape = Arrays.stream(dense.shape(name)).boxed().toList();
            c.dense.add(new DenseParameter(name, shape, FloatBytes.encode(dense.values(name))));
        }
        for (FeatureTable table : embeddings.tables()) {
            DynamicVocabulary vocabulary = table.vocabulary();
            EmbeddingTable values = table.table();
            float[] row = new float[table.dim()];
            for (int r = 1; r < vocabulary.rowBound(); r++) {
                String id = vocabulary.idAt(r);
                if (id != null && values.changedAt(r) > sinceStep) {
                    values.read(r, row, 0);
                    c.rows.add(new EmbeddingRow(table.name(), id, FloatBytes.encode(row)));
                }
            }
            if (sinceStep >= 0) {
                for (Eviction e : vocabulary.evictionsAfter(sinceStep)) {
                    c.tombstones.add(new Tombstone(table.name(), e.id()));
                }
            }
        }
        c.items.addAll(itemRows(
                model,
                trainer.frequencyEstimator(),
                sinceStep < 0 || model.itemTower().hasMlp() ? -1 : sinceStep));
        return c;
    }

    /** Side-feature ids evicted after {@code sinceStep}: items that carried them now embed them as padding. */
    private static Map<Feature, Set<String>> evictedSideIds(Embeddings embeddings, long sinceStep) {
        Map<Feature, Set<String>> evicted = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            if (f != Feature.ITEM) {
                Set<String> ids = new HashSet<>();
                embeddings.table(f).vocabulary().evictionsAfter(sinceStep).forEach(e -> ids.add(e.id()));
                evicted.put(f, ids);
            }
        }
        return evicted;
    }

    private static List<ItemRow> itemRows(RetrievalModel model, StreamingFrequencyEstimator estimator, long sinceStep) {
        Embeddings embeddings = model.embeddings();
        Map<Feature, Set<String>> evicted = sinceStep < 0 ? Map.of() : evictedSideIds(embeddings, sinceStep);
        int[] rows = Arrays.stream(model.itemRows())
                .filter(r -> changedAfter(embeddings, r, sinceStep, evicted))
                .toArray();
        List<ItemRow> items = new ArrayList<>(rows.length);
        for (int from = 0; from < rows.length; from += ITEM_TOWER_BLOCK) {
            addItemRows(
                    model,
                    estimator,
                    Arrays.copyOfRange(rows, from, Math.min(rows.length, from + ITEM_TOWER_BLOCK)),
                    items);
        }
        return items;
    }

    private static void addItemRows(
            RetrievalModel model, StreamingFrequencyEstimator estimator, int[] rows, List<ItemRow> items) {
        Embeddings embeddings = model.embeddings();
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] vectors = model.itemVectors(rows, manager).toFloatArray();
            int d = vectors.length / rows.length;
            DynamicVocabulary itemIds = embeddings.table(Feature.ITEM).vocabulary();
            for (int i = 0; i < rows.length; i++) {
                int r = rows[i];
                String id = itemIds.idAt(r);
                items.add(ItemRow.newBuilder()
                        .setItemId(id)
                        .setLeafCategoryId(embeddings.sideFeatures().sideId(r, Feature.LEAF_CATEGORY))
                        .setCategoryId(embeddings.sideFeatures().sideId(r, Feature.CATEGORY))
                        .setShopId(embeddings.sideFeatures().sideId(r, Feature.SHOP))
                        .setBrandId(embeddings.sideFeatures().sideId(r, Feature.BRAND))
                        .setVector(FloatBytes.encode(Arrays.copyOfRange(vectors, i * d, (i + 1) * d)))
                        // the popularity prior's term, so that a consumer ranks as the trainer does
                        .setLogPopularity((float) estimator.logProbability(id))
                        .build());
            }
        }
    }

    /** Whether any input of the item's tower changed: one of its rows moved, or one of its side ids lost its row. */
    private static boolean changedAfter(
            Embeddings embeddings, int itemRow, long sinceStep, Map<Feature, Set<String>> evicted) {
        if (sinceStep < 0) {
            return true;
        }
        int[] featureRows = embeddings.featureRowsOfItem(itemRow);
        for (Feature f : Feature.values()) {
            int row = featureRows[f.ordinal()];
            if (row != DynamicVocabulary.PADDING_ROW
                    && embeddings.table(f).table().changedAt(row) > sinceStep) {
                return true;
            }
            if (f != Feature.ITEM
                    && evicted.get(f).contains(embeddings.sideFeatures().sideId(itemRow, f))) {
                return true;
            }
        }
        return false;
    }

    private List<ModelUpdate> chunk(UpdateKind kind, long version, Long baseVersion, ModelSpec spec, Contents c) {
        ChunkPacker packer = new ChunkPacker(maxMessageBytes, spec);
        c.dense.forEach(packer::add);
        c.tombstones.forEach(packer::add);
        c.rows.forEach(packer::add);
        c.items.forEach(packer::add);
        long createdAt = clock.millis();
        List<ModelUpdate.Builder> chunks = packer.chunks();
        List<ModelUpdate> updates = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            updates.add(chunks.get(i)
                    .setModelName(modelName())
                    .setVersion(version)
                    .setBaseVersion(baseVersion)
                    .setKind(kind)
                    .setChunkIndex(i)
                    .setChunkCount(chunks.size())
                    .setCreatedAt(createdAt)
                    .build());
        }
        return updates;
    }

    private static final class Contents {
        final List<DenseParameter> dense = new ArrayList<>();
        final List<EmbeddingRow> rows = new ArrayList<>();
        final List<ItemRow> items = new ArrayList<>();
        final List<Tombstone> tombstones = new ArrayList<>();
    }
}
