package io.streamrec.model.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.streamrec.model.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds seeded, right-padded {@link EncoderInput} batches and runs encoder blocks on them. */
public final class EncoderFixtures {

    private EncoderFixtures() {}

    /**
     * Runs PyTorch's operators on one thread. At the tiny sizes of unit tests an operator is dominated by
     * its fixed cost, and on a busy 2-core machine a second intra-op thread made steps 5-8x slower.
     */
    public static void useOneTorchThread() {
        Engine.getInstance(); // loads the native library
        JniUtils.setNumThreads(1);
    }

    /** Small sizes: D_item = 8+4+4+2+2 = 20, D_user = 6, D = 8. */
    public static EncoderDimensions smallDimensions(int userDim) {
        return new EncoderDimensions(new int[] {8, 4, 4, 2, 2}, userDim, 8);
    }

    /** Real lengths per batch row, for the session and for every long-term feature. */
    public record Lengths(int[] session, int[] longTerm) {}

    /** A batch whose padded positions hold random values (so masking is exercised), seeded. */
    public static NDList input(
            NDManager manager, EncoderDimensions dims, int maxSession, int maxLongTerm, Lengths lengths, long seed) {
        return input(manager, dims, maxSession, maxLongTerm, lengths, new Random(seed), new Random(seed + 1));
    }

    /**
     * Like {@link #input}, with real values from {@code realSeed} and padded values from {@code paddingSeed}:
     * two calls that differ only in {@code paddingSeed} differ only at padded positions.
     */
    public static NDList input(
            NDManager manager,
            EncoderDimensions dims,
            int maxSession,
            int maxLongTerm,
            Lengths lengths,
            Random real,
            Random padding) {
        int batch = lengths.session().length;
        NDList list = new NDList(EncoderInput.SIZE);
        for (int i = 0; i < EncoderInput.SIZE; i++) {
            list.add(null);
        }
        list.set(
                EncoderInput.SESSION,
                sequence(manager, batch, maxSession, dims.itemInputDim(), lengths.session(), real, padding));
        list.set(EncoderInput.SESSION_MASK, mask(manager, maxSession, lengths.session()));
        for (Feature f : Feature.values()) {
            list.set(
                    EncoderInput.longTerm(f),
                    sequence(manager, batch, maxLongTerm, dims.featureDim(f), lengths.longTerm(), real, padding));
            list.set(EncoderInput.longTermMask(f), mask(manager, maxLongTerm, lengths.longTerm()));
        }
        float[] user = new float[batch * dims.userDim()];
        for (int i = 0; i < user.length; i++) {
            user[i] = (float) real.nextGaussian();
        }
        list.set(EncoderInput.USER, manager.create(user, new Shape(batch, dims.userDim())));
        return list;
    }

    public static NDArray sequence(
            NDManager manager, int batch, int steps, int width, int[] lengths, Random real, Random padding) {
        float[] values = new float[batch * steps * width];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                Random source = t < lengths[b] ? real : padding;
                for (int d = 0; d < width; d++) {
                    values[(b * steps + t) * width + d] = (float) (source.nextGaussian() * (t < lengths[b] ? 1 : 5));
                }
            }
        }
        return manager.create(values, new Shape(batch, steps, width));
    }

    public static NDArray mask(NDManager manager, int steps, int[] lengths) {
        float[] mask = new float[lengths.length * steps];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                mask[b * steps + t] = 1f;
            }
        }
        return manager.create(mask, new Shape(lengths.length, steps));
    }

    /** Initialises the block's parameters (seeded) for the shapes of {@code input}. */
    public static void initialize(Block block, NDManager manager, NDList input, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        block.initialize(manager, DataType.FLOAT32, input.getShapes());
    }

    public static NDList forward(Block block, NDManager manager, NDList input) {
        return block.forward(new ParameterStore(manager, false), input, false);
    }

    /** The parameters whose {@link #gradients gradient} is entirely zero. */
    public static List<String> parametersWithoutGradient(Block block, NDManager manager, NDList input, long seed) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, float[]> parameter :
                gradients(block, manager, input, seed, () -> {}).entrySet()) {
            if (allZero(parameter.getValue())) {
                missing.add(parameter.getKey());
            }
        }
        return missing;
    }

    private static boolean allZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every parameter's gradient of a seeded random projection of all outputs (a plain sum would hide LayerNorm and
     * softmax gradients, which sum to zero), with {@code beforeBackward} run between the forward and the backward
     * pass. Gradients accumulate, so give it a block that has not been back-propagated through.
     */
    public static Map<String, float[]> gradients(
            Block block, NDManager manager, NDList input, long seed, Runnable beforeBackward) {
        Engine.getInstance().setRandomSeed((int) seed);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDList outputs = block.forward(new ParameterStore(manager, false), input, true);
            NDArray objective = manager.zeros(new Shape());
            for (NDArray output : outputs) {
                NDArray weights = manager.randomNormal(output.getShape());
                objective = objective.add(output.mul(weights).sum());
            }
            beforeBackward.run();
            collector.backward(objective);
        }
        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            try (NDArray gradient = p.getValue().getArray().getGradient()) {
                gradients.put(p.getKey(), gradient.toFloatArray());
            }
        }
        return gradients;
    }

    public static float maxAbsDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
