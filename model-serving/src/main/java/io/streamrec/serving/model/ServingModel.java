package io.streamrec.serving.model;

import io.streamrec.model.sync.CompleteUpdate;
import io.streamrec.model.sync.EncoderReplica;
import io.streamrec.model.sync.Replica;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.Tombstone;
import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.index.IndexUpkeep;
import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ItemInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model as the service holds it: the item index (what it retrieves from) and an encoder replica (to encode a
 * cold session on the spot), built from a FULL update and advanced together by deltas, so both are always at one
 * version.
 *
 * <p>Readers take a {@link View}: the index and the version it answers at, published as one reference after each
 * delta, so an answer never mixes versions. Encoding holds a read lock that a delta's encoder update takes for
 * writing (the encoder's weights change in place; its delta is small). A delta only appends its item rows, which
 * answers find by an exact scan at once; {@link #maintain} inserts them into the graph and rebuilds a degraded index
 * within a CPU budget ({@link IndexUpkeep}); the deltas applied during a rebuild are replayed on the rebuilt index
 * before it is swapped in, so answers never pause.
 *
 * <p>{@link #applyDelta} and {@link #maintain} run on the one updating thread. A model swapped out by a newer FULL
 * is closed once the last request holding it has released it ({@link #tryAcquire}, {@link #release}).
 */
public final class ServingModel implements Replica {

    private static final Logger LOG = LoggerFactory.getLogger(ServingModel.class);
    private static final String ITEM_FEATURE = "item";

    /** The index and the version it answers at, as one reference. */
    public record View(ItemIndex index, long version) {}

    private final String modelName;
    private final String encoderName;
    private final EncoderReplica encoder;
    private final ReentrantReadWriteLock encoderLock = new ReentrantReadWriteLock();
    private final IndexUpkeep upkeep;
    private final ScoreSpace space;
    private final AtomicInteger references = new AtomicInteger(1);
    private final long createdAt;

    private volatile View view;
    private int rebuilds;
    private long upkeepWaitNanos;

    private ServingModel(
            String modelName,
            EncoderReplica encoder,
            ItemIndex index,
            ScoreSpace space,
            IndexSettings settings,
            long at) {
        this.modelName = modelName;
        this.space = space;
        this.encoderName = encoder.encoderName();
        this.encoder = encoder;
        this.upkeep = new IndexUpkeep(modelName, settings);
        this.createdAt = at;
        this.view = new View(index, index.version());
    }

    /** Builds the index and the encoder of a FULL update (on the calling thread, with {@code pool} for the graph). */
    public static ServingModel fromFull(CompleteUpdate full, IndexSettings settings, ForkJoinPool pool) {
        long started = System.nanoTime();
        ScoreSpace space = ScoreSpace.of(full);
        List<ItemIndex.Row> rows = new ArrayList<>();
        full.itemRows().forEach(row -> rows.add(row(row, space)));
        int dim =
                rows.isEmpty() ? space.indexWidth(outputDim(full)) : rows.get(0).vector().length;
        ItemIndex index = ItemIndex.build(dim, settings, full.version(), rows, pool);
        EncoderReplica encoder = EncoderReplica.fromFull(full);
        LOG.info(
                "built model '{}' version {} ({} items, encoder {}) in {} ms",
                full.modelName(),
                full.version(),
                rows.size(),
                encoder.encoderName(),
                (System.nanoTime() - started) / 1_000_000);
        return new ServingModel(full.modelName(), encoder, index, space, settings, full.createdAt());
    }

    private static int outputDim(CompleteUpdate full) {
        String dim = full.spec().getModelSettings().get(TrainerOptions.OUTPUT_DIM.key());
        if (dim == null) {
            throw new IllegalArgumentException(
                    full.describe() + " has no item rows and no " + TrainerOptions.OUTPUT_DIM.key() + " in its spec");
        }
        return Integer.parseInt(dim);
    }

    private static ItemIndex.Row row(ItemRow row, ScoreSpace space) {
        return new ItemIndex.Row(
                row.getItemId(),
                new ItemInfo(row.getLeafCategoryId(), row.getCategoryId(), row.getShopId(), row.getBrandId()),
                space.item(floats(row.getVector()), row.getLogPopularity()));
    }

    private static float[] floats(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[view.remaining() / Float.BYTES];
        view.asFloatBuffer().get(values);
        return values;
    }

    public String modelName() {
        return modelName;
    }

    public String encoderName() {
        return encoderName;
    }

    /** How items are scored for a user (with the popularity prior or without), and the queries that give it. */
    public ScoreSpace space() {
        return space;
    }

    /** K, the interests a user vector of this model has. */
    public int interestCount() {
        return encoder.interestCount();
    }

    @Override
    public long version() {
        return view.version();
    }

    /** The index and its version, for one answer. */
    public View view() {
        return view;
    }

    /** Whether a rebuilt index is being built in the background. */
    public boolean rebuilding() {
        return upkeep.rebuilding();
    }

    /** What keeps the index current, with its counters. */
    public IndexUpkeep upkeep() {
        return upkeep;
    }

    /** How long the updating thread may wait before the next {@link #maintain} is useful, as of the last one. */
    public long upkeepWaitNanos() {
        return upkeepWaitNanos;
    }

    /** How often the index was rebuilt from its live rows. */
    public int rebuilds() {
        return rebuilds;
    }

    /** When the trainer cut the FULL this model was built from, epoch ms. */
    public long createdAt() {
        return createdAt;
    }

    @Override
    public void applyDelta(CompleteUpdate delta) {
        View current = view;
        if (delta.isFull() || delta.baseVersion() == null || delta.baseVersion() != current.version()) {
            throw new IllegalArgumentException(
                    delta.describe() + " does not apply on top of version " + current.version() + " held here");
        }
        int dim = current.index().dim();
        delta.itemRows().forEach(row -> {
            int floats = row.getVector().remaining() / Float.BYTES;
            if (space.indexWidth(floats) != dim) {
                throw new IllegalArgumentException(delta.describe() + ": item " + row.getItemId() + " has " + floats
                        + " values, the model's item vectors have " + (dim - space.indexWidth(0)));
            }
        });
        applyItems(current.index(), delta);
        upkeep.applied(index -> applyItems(index, delta));
        encoderLock.writeLock().lock();
        try {
            encoder.applyDelta(delta);
            current.index().publish(delta.version());
            view = new View(current.index(), delta.version());
        } finally {
            encoderLock.writeLock().unlock();
        }
    }

    private void applyItems(ItemIndex index, CompleteUpdate delta) {
        long v = delta.version();
        for (Tombstone t : (Iterable<Tombstone>) delta.tombstones()::iterator) {
            if (ITEM_FEATURE.equals(t.getFeature())) {
                index.delete(t.getId(), v);
            }
        }
        delta.itemRows().forEach(row -> {
            ItemIndex.Row r = row(row, space);
            index.upsert(r.itemId(), r.info(), r.vector(), v);
        });
    }

    /**
     * On the updating thread, between updates: one step of {@link IndexUpkeep} (fresh rows into the graph, or a
     * rebuild started or swapped in), within the index's CPU budget.
     *
     * @return true if a rebuilt index was swapped in
     */
    public boolean maintain() {
        View current = view;
        IndexUpkeep.Step step = upkeep.step(current.index());
        upkeepWaitNanos = step.waitNanos();
        ItemIndex rebuilt = step.rebuilt();
        if (rebuilt == null) {
            return false;
        }
        rebuilt.publish(current.version());
        encoderLock.writeLock().lock();
        try {
            view = new View(rebuilt, current.version());
        } finally {
            encoderLock.writeLock().unlock();
        }
        rebuilds++;
        LOG.debug(
                "swapped in the rebuilt item index of '{}' at version {} ({} items)",
                modelName,
                current.version(),
                rebuilt.liveItems());
        return true;
    }

    /** A user vector and the view it was encoded at, for a cold session. */
    public record Encoded(EncodedUser user, View view) {}

    /** Encodes {@code snapshot} with this model, and the view of the same version to retrieve with. */
    public Encoded encode(FeatureSnapshot snapshot) {
        encoderLock.readLock().lock();
        try {
            synchronized (encoder) {
                return new Encoded(encoder.encode(List.of(snapshot)).get(0), view);
            }
        } finally {
            encoderLock.readLock().unlock();
        }
    }

    /** Takes a reference for one request; false if the model is already closed (take the current one again). */
    public boolean tryAcquire() {
        while (true) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a request's reference. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            upkeep.close();
            encoder.close();
        }
    }

    /** The updater lets go of a model swapped out: it closes once no request holds it. */
    @Override
    public void close() {
        release();
    }
}
