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
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** A fresh model: new embeddings and freshly initialised blocks. */
    public static RetrievalModel create(TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoderFactory) {
        Embeddings embeddings = Embeddings.create(
                config.itemFeatureTables(), config.profileTables(), config.embeddingInitStd(), config.seed());
        return new RetrievalModel(config, encoderFactory, embeddings);
    }

    RetrievalModel(
            TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoderFactory, Embeddings embeddings) {
        this.config = config;
        this.embeddings = embeddings;
        this.input = new InputEmbedding(embeddings, config.maxSessionLength(), config.maxLongTermLength());
        EncoderDimensions dims = config.encoderDimensions();
        this.encoder = encoderFactory.apply(dims);
        if (!encoder.dimensions().equals(dims)) {
            throw new IllegalArgumentException("the encoder factory built " + encoder.name() + " for "
                    + encoder.dimensions() + " but the trainer configuration asks for " + dims);
        }
        this.itemTower = new ItemTower(config.outputDim(), config.itemTowerHidden(), config.itemTowerMlp());
        this.manager = NDManager.newBaseManager();
        this.parameterStore = new ParameterStore(manager, false);
        Engine.getInstance().setRandomSeed((int) config.seed());
        encoder.block().initialize(manager, DataType.FLOAT32, encoderInputShapes(dims));
        itemTower.initialize(manager, DataType.FLOAT32, new Shape(1, dims.itemInputDim()));
        Map<String, Block> blocks = new LinkedHashMap<>();
        blocks.put("encoder", encoder.block());
        blocks.put("itemTower", itemTower);
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

    /** Encodes users with gradients off, on the calling thread. */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        if (snapshots.isEmpty()) {
            return List.of();
        }
        return withoutGradients(() -> {
            try (NDManager batchManager = manager.newSubManager()) {
                NDList out = inferUsers(snapshots, batchManager);
                NDArray interests = out.get(EncoderOutput.INTERESTS).normalize(2, 2);
                NDArray vectors = out.get(EncoderOutput.VECTOR).normalize(2, 1);
                int k = (int) interests.getShape().get(1);
                int d = (int) vectors.getShape().get(1);
                float[] interestValues = interests.toFloatArray();
                float[] vectorValues = vectors.toFloatArray();
                List<EncodedUser> result = new ArrayList<>(snapshots.size());
                for (int b = 0; b < snapshots.size(); b++) {
                    float[][] perInterest = new float[k][];
                    for (int i = 0; i < k; i++) {
                        int from = (b * k + i) * d;
                        perInterest[i] = Arrays.copyOfRange(interestValues, from, from + d);
                    }
                    result.add(new EncodedUser(perInterest, Arrays.copyOfRange(vectorValues, b * d, (b + 1) * d)));
                }
                return result;
            }
        });
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
