package io.streamrec.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.streamrec.model.Feature;
import io.streamrec.model.embed.BatchLookup;
import io.streamrec.model.embed.Embeddings;
import io.streamrec.model.embed.InputEmbedding;
import io.streamrec.model.embed.ItemTower;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.EncoderOutput;
import io.streamrec.model.encode.LongTermBranch;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One complete copy of the two-tower model: the input embeddings, the user encoder and the item
 * tower, with the forward passes shared by the trainer (with gradients) and by encoder replicas
 * (without). Each instance owns its weights; nothing here is shared between copies.
 */
public final class RetrievalModel implements AutoCloseable {

    private final TrainerConfig config;
    private final Embeddings embeddings;
    private final InputEmbedding input;
    private final UserEncoder encoder;
    private final ItemTower itemTower;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final DenseParameters dense;
    /** The repeat-consumption score; null where seen items are excluded (they are never ranked). */
    private final RepeatScore repeatScore;

    /** A fresh model: new embeddings and freshly initialised blocks. */
    public static RetrievalModel create(TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoderFactory) {
        Embeddings embeddings = Embeddings.create(
                config.itemFeatureTables(),
                config.profileTables(),
                config.get(TrainerOptions.EMBEDDING_INIT_STD).floatValue(),
                config.get(TrainerOptions.SEED));
        return new RetrievalModel(config, encoderFactory, embeddings);
    }

    RetrievalModel(
            TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoderFactory, Embeddings embeddings) {
        this.config = config;
        this.embeddings = embeddings;
        this.input = new InputEmbedding(
                embeddings,
                config.get(TrainerOptions.MAX_SESSION_LENGTH),
                config.get(TrainerOptions.MAX_LONG_TERM_LENGTH));
        EncoderDimensions dims = config.encoderDimensions();
        this.encoder = encoderFactory.apply(dims);
        if (!encoder.dimensions().equals(dims)) {
            throw new IllegalArgumentException("the encoder factory built " + encoder.name() + " for "
                    + encoder.dimensions() + " but the trainer configuration asks for " + dims);
        }
        this.itemTower = new ItemTower(
                config.get(TrainerOptions.OUTPUT_DIM),
                config.get(TrainerOptions.ITEM_TOWER_HIDDEN).stream()
                        .mapToInt(Integer::intValue)
                        .toArray(),
                config.get(TrainerOptions.ITEM_TOWER_MLP));
        this.manager = NDManager.newBaseManager();
        this.parameterStore = new ParameterStore(manager, false);
        Engine.getInstance().setRandomSeed((int) (long) config.get(TrainerOptions.SEED));
        encoder.block().initialize(manager, DataType.FLOAT32, encoderInputShapes(dims));
        itemTower.initialize(manager, DataType.FLOAT32, new Shape(1, dims.itemInputDim()));
        Map<String, Block> blocks = new LinkedHashMap<>();
        blocks.put("encoder", encoder.block());
        blocks.put("itemTower", itemTower);
        if (config.get(TrainerOptions.EXCLUDE_SEEN)) {
            this.repeatScore = null;
        } else {
            this.repeatScore = new RepeatScore();
            repeatScore.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            blocks.put("repeat", repeatScore);
        }
        this.dense = new DenseParameters(blocks);
    }

    private static Shape[] encoderInputShapes(EncoderDimensions dims) {
        Shape[] shapes = new Shape[EncoderInput.SIZE];
        shapes[EncoderInput.SESSION] = new Shape(1, 1, dims.itemInputDim());
        shapes[EncoderInput.SESSION_MASK] = new Shape(1, 1);
        for (Feature f : Feature.values()) {
            shapes[EncoderInput.longTerm(f)] = new Shape(1, 1, dims.featureDim(f));
            shapes[EncoderInput.longTermMask(f)] = new Shape(1, 1);
        }
        shapes[EncoderInput.USER] = new Shape(1, dims.userDim());
        return shapes;
    }

    public TrainerConfig config() {
        return config;
    }

    public Embeddings embeddings() {
        return embeddings;
    }

    public UserEncoder encoder() {
        return encoder;
    }

    public ItemTower itemTower() {
        return itemTower;
    }

    public DenseParameters denseParameters() {
        return dense;
    }

    /** The repeat-consumption score, or null when seen items are excluded. */
    public RepeatScore repeatScore() {
        return repeatScore;
    }

    /** The repeat bonus of (B, N) recency buckets, in the buckets' manager. */
    NDArray repeatBonus(NDArray buckets, boolean training) {
        return repeatScore
                .forward(parameterStore, new NDList(buckets), training)
                .singletonOrThrow();
    }

    InputEmbedding input() {
        return input;
    }

    NDManager manager() {
        return manager;
    }

    /** The encoder's output list for a planned, gathered batch. */
    NDList forwardUsers(InputEmbedding.UserBatch users, NDManager batchManager, boolean training) {
        return encoder.block().forward(parameterStore, users.materialise(batchManager), training);
    }

    /**
     * Plans a batch's users, bucket by bucket ({@link UserPlan}): with the encoder's long-term branch run once per
     * distinct long-term history when it has one, else each bucket whole.
     */
    UserPlan planUsers(List<List<FeatureSnapshot>> buckets, BatchLookup lookup) {
        return encoder.block() instanceof LongTermBranch
                ? UserPlan.split(input, buckets, lookup)
                : UserPlan.whole(input, buckets, lookup);
    }

    /** The encoder's long-term branch for a planned, gathered batch (an encoder with {@link LongTermBranch}). */
    NDList forwardLongTerm(InputEmbedding.LongTermBatch users, NDManager batchManager, boolean training) {
        return ((LongTermBranch) encoder.block())
                .forwardLongTerm(parameterStore, users.materialise(batchManager), training);
    }

    /** The encoder's output from planned, gathered sessions and their users' long-term branch output, row for row. */
    NDList forwardSession(
            InputEmbedding.SessionBatch sessions, NDList longTerm, NDManager batchManager, boolean training) {
        NDList session = sessions.materialise(batchManager);
        return ((LongTermBranch) encoder.block())
                .forwardSession(parameterStore, session.get(0), session.get(1), longTerm, training);
    }

    /** v_i for a planned, gathered list of items: (n, D), not normalised. */
    NDArray forwardItems(InputEmbedding.ItemBatch items, boolean training) {
        return itemTower
                .forward(parameterStore, new NDList(items.materialise()), training)
                .singletonOrThrow();
    }

    /** The encoder's output for {@code snapshots}, for inference (call with gradients off), in {@code batchManager}. */
    private NDList inferUsers(List<FeatureSnapshot> snapshots, NDManager batchManager) {
        BatchLookup lookup = embeddings.newLookup();
        InputEmbedding.UserBatch users = input.planUsers(snapshots, lookup);
        lookup.gather(batchManager, false);
        return forwardUsers(users, batchManager, false);
    }

    /** L2-normalised user vectors (B, D) of {@code snapshots}, for inference, in {@code batchManager}. */
    NDArray userVectors(List<FeatureSnapshot> snapshots, NDManager batchManager) {
        return inferUsers(snapshots, batchManager).get(EncoderOutput.VECTOR).normalize(2, 1);
    }

    /** Encodes users with gradients off, on the calling thread, the whole list padded as one batch. */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return encode(snapshots, SessionBuckets.NONE, null, 0);
    }

    /**
     * Encodes users with gradients off, on the calling thread: in sub-batches of similar session length
     * ({@code buckets}), and, when {@code cache} is given and the encoder has a {@link LongTermBranch}, running the
     * long-term branch only for users whose long-term history, profile or model version changed since the cache
     * last saw them. The result equals {@link #encode(List)} up to float rounding.
     *
     * @param version the model version these weights are, which keys the cache
     * @return one vector per snapshot, in order
     */
    public List<EncodedUser> encode(
            List<FeatureSnapshot> snapshots, SessionBuckets buckets, LongTermCache cache, long version) {
        if (snapshots.isEmpty()) {
            return List.of();
        }
        return withoutGradients(() -> {
            EncodedUser[] result = new EncodedUser[snapshots.size()];
            LongTermBranch split = cache != null && encoder.block() instanceof LongTermBranch b ? b : null;
            float[][][] longTerm = split == null ? null : longTermRows(split, snapshots, cache, version);
            for (int[] bucket : buckets.partition(sessionLengths(snapshots))) {
                List<FeatureSnapshot> members = new ArrayList<>(bucket.length);
                for (int i : bucket) {
                    members.add(snapshots.get(i));
                }
                try (NDManager batchManager = manager.newSubManager()) {
                    BatchLookup lookup = embeddings.newLookup();
                    NDList out;
                    if (split == null) {
                        InputEmbedding.UserBatch users = input.planUsers(members, lookup);
                        lookup.gather(batchManager, false);
                        out = forwardUsers(users, batchManager, false);
                    } else {
                        InputEmbedding.SessionBatch sessions = input.planSessions(members, lookup);
                        lookup.gather(batchManager, false);
                        NDList session = sessions.materialise(batchManager);
                        out = split.forwardSession(
                                parameterStore,
                                session.get(0),
                                session.get(1),
                                stack(longTerm, bucket, batchManager),
                                false);
                    }
                    EncodedUser[] encoded = normalised(out, bucket.length);
                    for (int k = 0; k < bucket.length; k++) {
                        result[bucket[k]] = encoded[k];
                    }
                }
            }
            return Arrays.asList(result);
        });
    }

    private int[] sessionLengths(List<FeatureSnapshot> snapshots) {
        int[] lengths = new int[snapshots.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Math.max(
                    1,
                    Math.min(
                            config.get(TrainerOptions.MAX_SESSION_LENGTH),
                            snapshots.get(i).getSession().size()));
        }
        return lengths;
    }

    /** Each user's long-term branch output, one float row per output array: from the cache, or computed and cached. */
    private float[][][] longTermRows(
            LongTermBranch split, List<FeatureSnapshot> snapshots, LongTermCache cache, long version) {
        float[][][] rows = new float[snapshots.size()][][];
        long[] fingerprints = new long[snapshots.size()];
        List<Integer> missing = new ArrayList<>();
        Map<String, Integer> missingByUser = new HashMap<>();
        int[] sameAs = new int[snapshots.size()];
        for (int i = 0; i < rows.length; i++) {
            FeatureSnapshot s = snapshots.get(i);
            fingerprints[i] = LongTermCache.fingerprint(s);
            sameAs[i] = -1;
            Integer earlier = missingByUser.get(s.getUserId());
            if (earlier != null && fingerprints[earlier] == fingerprints[i]) {
                sameAs[i] = earlier; // one computation for a user twice in the batch
                continue;
            }
            rows[i] = cache.get(s.getUserId(), version, fingerprints[i]);
            if (rows[i] == null) {
                missing.add(i);
                missingByUser.put(s.getUserId(), i);
            }
        }
        if (!missing.isEmpty()) {
            List<FeatureSnapshot> members = new ArrayList<>(missing.size());
            for (int i : missing) {
                members.add(snapshots.get(i));
            }
            try (NDManager batchManager = manager.newSubManager()) {
                BatchLookup lookup = embeddings.newLookup();
                InputEmbedding.LongTermBatch planned = input.planLongTerm(members, lookup);
                lookup.gather(batchManager, false);
                NDList out = split.forwardLongTerm(parameterStore, planned.materialise(batchManager), false);
                float[][] values = new float[out.size()][];
                int[] widths = new int[out.size()];
                for (int a = 0; a < out.size(); a++) {
                    values[a] = out.get(a).toFloatArray();
                    widths[a] = (int) out.get(a).getShape().get(1);
                }
                for (int m = 0; m < missing.size(); m++) {
                    float[][] userRows = new float[out.size()][];
                    for (int a = 0; a < out.size(); a++) {
                        userRows[a] = Arrays.copyOfRange(values[a], m * widths[a], (m + 1) * widths[a]);
                    }
                    int i = missing.get(m);
                    rows[i] = userRows;
                    cache.put(snapshots.get(i).getUserId(), version, fingerprints[i], userRows);
                }
            }
        }
        for (int i = 0; i < rows.length; i++) {
            if (sameAs[i] >= 0) {
                rows[i] = rows[sameAs[i]];
            }
        }
        return rows;
    }

    /** The long-term rows of {@code bucket}'s users as (n, width) arrays, one per output of the long-term branch. */
    private static NDList stack(float[][][] rows, int[] bucket, NDManager batchManager) {
        int arrays = rows[bucket[0]].length;
        NDList stacked = new NDList(arrays);
        for (int a = 0; a < arrays; a++) {
            int width = rows[bucket[0]][a].length;
            float[] values = new float[bucket.length * width];
            for (int k = 0; k < bucket.length; k++) {
                System.arraycopy(rows[bucket[k]][a], 0, values, k * width, width);
            }
            stacked.add(batchManager.create(values, new Shape(bucket.length, width)));
        }
        return stacked;
    }

    /** The L2-normalised interests and vector of each user of an encoder output. */
    private static EncodedUser[] normalised(NDList out, int users) {
        NDArray interests = out.get(EncoderOutput.INTERESTS).normalize(2, 2);
        NDArray vectors = out.get(EncoderOutput.VECTOR).normalize(2, 1);
        int k = (int) interests.getShape().get(1);
        int d = (int) vectors.getShape().get(1);
        float[] interestValues = interests.toFloatArray();
        float[] vectorValues = vectors.toFloatArray();
        EncodedUser[] result = new EncodedUser[users];
        for (int b = 0; b < users; b++) {
            float[][] perInterest = new float[k][];
            for (int i = 0; i < k; i++) {
                int from = (b * k + i) * d;
                perInterest[i] = Arrays.copyOfRange(interestValues, from, from + d);
            }
            result[b] = new EncodedUser(perInterest, Arrays.copyOfRange(vectorValues, b * d, (b + 1) * d));
        }
        return result;
    }

    /** Item rows currently holding an item, ascending. */
    public int[] itemRows() {
        var vocabulary = embeddings.table(Feature.ITEM).vocabulary();
        int[] rows = new int[vocabulary.size()];
        int n = 0;
        for (int row = 1; row < vocabulary.rowBound(); row++) {
            if (vocabulary.idAt(row) != null) {
                rows[n++] = row;
            }
        }
        return Arrays.copyOf(rows, n);
    }

    /** L2-normalised item-tower outputs (n, D) of the given item rows, without gradients, in {@code batchManager}. */
    public NDArray itemVectors(int[] itemRows, NDManager batchManager) {
        return withoutGradients(() -> {
            BatchLookup lookup = embeddings.newLookup();
            List<int[]> featureRows = new ArrayList<>(itemRows.length);
            for (int row : itemRows) {
                featureRows.add(embeddings.featureRowsOfItem(row));
            }
            InputEmbedding.ItemBatch items = input.planItems(featureRows, lookup);
            lookup.gather(batchManager, false);
            return forwardItems(items, false).normalize(2, 1);
        });
    }

    /** Runs {@code work} with this thread's autograd recording off (faster, and never touches gradients). */
    static <T> T withoutGradients(Supplier<T> work) {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
