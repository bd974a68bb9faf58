package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.PrimitiveBlocks;
import io.streamrec.model.embed.AdamRule;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam over the dense parameters, with moments kept on the heap so a checkpoint can save them
 * (DJL's {@code Adam} holds its state privately). It uses the same {@link AdamRule} as the embedding
 * tables; dense parameters are small, so the copy to and from the engine is cheap.
 */
final class DenseAdam {

    private final AdamRule rule;
    private final Map<String, float[][]> moments = new HashMap<>();
    private long steps;

    DenseAdam(AdamRule rule) {
        this.rule = rule;
    }

    /**
     * Each parameter's collected gradient, copied off the engine, whose own gradients are then cleared. They are
     * overwritten with zeros rather than subtracted from themselves: the engine accumulates gradients, and
     * inf − inf is NaN, so one non-finite batch would otherwise poison every later step.
     */
    Map<String, float[]> takeGradients(DenseParameters parameters) {
        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            NDArray parameter = parameters.array(name);
            // getGradient() makes a new handle in the model's manager each call: closed, or one per parameter per step
            // would stay there for as long as the trainer runs
            try (NDArray gradient = parameter.getGradient()) {
                gradients.put(name, gradient.toFloatArray());
            }
            // zero_() in the engine's own memory; set(float[]) would point the gradient at a Java buffer kept alive
            // only
            // by the handle just closed, which a garbage collection would free under the next backward pass
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
        return gradients;
    }

    /** One step on every parameter from the gradients {@link #takeGradients} returned. */
    void update(DenseParameters parameters, Map<String, float[]> gradients) {
        steps++;
        for (Map.Entry<String, float[]> e : gradients.entrySet()) {
            NDArray array = parameters.array(e.getKey());
            float[] w = array.toFloatArray();
            float[][] mv =
                    moments.computeIfAbsent(e.getKey(), n -> new float[][] {new float[w.length], new float[w.length]});
            rule.apply(w, 0, mv[0], mv[1], 0, e.getValue(), 0, w.length, steps);
            array.set(w);
        }
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(steps);
        out.writeInt(moments.size());
        for (Map.Entry<String, float[][]> e : moments.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue()[0].length);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            for (float[] moment : e.getValue()) {
                blocks.putFloats(moment, 0, moment.length);
            }
            blocks.flush();
        }
    }

    void readFrom(DataInput in) throws IOException {
        steps = in.readLong();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int length = in.readInt();
            float[][] mv = new float[2][length];
            for (float[] moment : mv) {
                for (int j = 0; j < length; j++) {
                    moment[j] = in.readFloat();
                }
            }
            moments.put(name, mv);
        }
    }
}
