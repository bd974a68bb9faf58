package io.streamrec.model.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import io.streamrec.model.Feature;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each encoder, trained with a plain softmax over a tiny catalogue, must learn a planted pattern: a session
 * drawn from one of four item clusters is followed by that cluster's "answer" item. The long-term
 * histories and the profile are noise. Chance is 1 in {@value #ITEMS}.
 */
class EncoderLearningTest {

    private static final int ITEMS = 24;
    private static final int CLUSTERS = 4;
    private static final int CONTEXT_PER_CLUSTER = 5;
    private static final int MAX_SESSION = 6;
    private static final int MAX_LONG_TERM = 3;
    private static final int BATCH = 32;
    private static final int STEPS = 120;

    @BeforeAll
    static void oneThread() {
        EncoderFixtures.useOneTorchThread();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sdm", "sine"})
    void learnsAPlantedNextItemPatternFarAboveChance(String name) {
        EncoderDimensions dims = EncoderFixtures.smallDimensions(6);
        Map<String, String> settings = Map.of(
                "sine.concepts", "8", "sine.interests", "2", "sine.max-session-length", String.valueOf(MAX_SESSION));
        UserEncoder encoder = Encoders.create(name, dims, settings);
        Engine.getInstance().setRandomSeed(42);
        try (Model model = Model.newInstance("sanity-" + name)) {
            model.setBlock(new NextItemClassifier(encoder.block(), dims.outputDim()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(0.005f))
                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                Episodes episodes = new Episodes(trainer.getManager(), dims, new Random(1));
                trainer.initialize(
                        episodes.batch(trainer.getManager(), BATCH).inputs().getShapes());
                float firstLoss = Float.NaN;
                float lastLoss = Float.NaN;
                for (int step = 0; step < STEPS; step++) {
                    try (NDManager scope = trainer.getManager().newSubManager()) {
                        Batch batch = episodes.batch(scope, BATCH);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(batch.inputs());
                            NDArray loss =
                                    crossEntropy(out.get(0), batch.targets()).add(out.get(1));
                            collector.backward(loss);
                            lastLoss = loss.getFloat();
                            firstLoss = step == 0 ? lastLoss : firstLoss;
                        }
                        trainer.step();
                    }
                }
                double accuracy = accuracy(
                        model.getBlock(),
                        trainer.getManager(),
                        new Episodes(trainer.getManager(), dims, new Random(99)));
                assertThat(lastLoss).as("loss after training").isLessThan(firstLoss / 2);
                assertThat(accuracy)
                        .as(name + " held-out accuracy (chance %.3f)", 1.0 / ITEMS)
                        .isGreaterThan(0.8);
            }
        }
    }

    private static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return targets.oneHot(ITEMS)
                .mul(logits.logSoftmax(1))
                .sum(new int[] {1})
                .neg()
                .mean();
    }

    private static double accuracy(Block block, NDManager parent, Episodes episodes) {
        try (NDManager scope = parent.newSubManager()) {
            Batch batch = episodes.batch(scope, 200);
            NDArray logits = block.forward(new ParameterStore(scope, false), batch.inputs(), false)
                    .get(0);
            NDArray hits = logits.argMax(1).toType(DataType.INT64, false).eq(batch.targets());
            return hits.toType(DataType.FLOAT32, false).mean().getFloat();
        }
    }

    private record Batch(NDList inputs, NDArray targets) {}

    /** Sessions of one cluster's context items, followed by the cluster's answer item. */
    private static final class Episodes {
        private final EncoderDimensions dims;
        private final Random random;
        private final float[][] itemEmbeddings;

        Episodes(NDManager manager, EncoderDimensions dims, Random random) {
            this.dims = dims;
            this.random = random;
            Random tables = new Random(7);
            itemEmbeddings = new float[ITEMS][dims.itemInputDim()];
            for (float[] row : itemEmbeddings) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = (float) tables.nextGaussian();
                }
            }
        }

        Batch batch(NDManager manager, int size) {
            int[] sessionLengths = new int[size];
            int[] historyLengths = new int[size];
            long[] targets = new long[size];
            float[] session = new float[size * MAX_SESSION * dims.itemInputDim()];
            for (int b = 0; b < size; b++) {
                int cluster = random.nextInt(CLUSTERS);
                targets[b] = CLUSTERS * CONTEXT_PER_CLUSTER + cluster;
                sessionLengths[b] = 1 + random.nextInt(MAX_SESSION);
                historyLengths[b] = random.nextInt(MAX_LONG_TERM + 1);
                for (int t = 0; t < sessionLengths[b]; t++) {
                    float[] item = itemEmbeddings[cluster * CONTEXT_PER_CLUSTER + random.nextInt(CONTEXT_PER_CLUSTER)];
                    System.arraycopy(item, 0, session, (b * MAX_SESSION + t) * item.length, item.length);
                }
            }
            EncoderFixtures.Lengths lengths = new EncoderFixtures.Lengths(sessionLengths, historyLengths);
            NDList inputs = EncoderFixtures.input(
                    manager,
                    dims,
                    MAX_SESSION,
                    MAX_LONG_TERM,
                    lengths,
                    new Random(random.nextLong()),
                    new Random(random.nextLong()));
            inputs.set(
                    EncoderInput.SESSION, manager.create(session, new Shape(size, MAX_SESSION, dims.itemInputDim())));
            for (Feature f : Feature.values()) {
                inputs.get(EncoderInput.longTerm(f)).muli(0.3f);
            }
            return new Batch(inputs, manager.create(targets));
        }
    }

    /** The encoder under test followed by a plain softmax layer over the catalogue. */
    private static final class NextItemClassifier extends AbstractBlock {
        private final Block encoder;
        private final Linear output;

        NextItemClassifier(Block encoder, int dim) {
            this.encoder = addChildBlock("encoder", encoder);
            this.output =
                    addChildBlock("output", Linear.builder().setUnits(ITEMS).build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList encoded = encoder.forward(ps, inputs, training);
            NDArray logits = output.forward(ps, new NDList(encoded.get(EncoderOutput.VECTOR)), training)
                    .head();
            NDArray regulariser = encoded.size() > EncoderOutput.REGULARISER
                    ? encoded.get(EncoderOutput.REGULARISER)
                    : logits.getManager().zeros(new Shape());
            return new NDList(logits, regulariser);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            encoder.initialize(manager, dataType, inputShapes);
            Shape vector = encoder.getOutputShapes(inputShapes)[EncoderOutput.VECTOR];
            output.initialize(manager, dataType, vector);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), ITEMS), new Shape()};
        }
    }
}
