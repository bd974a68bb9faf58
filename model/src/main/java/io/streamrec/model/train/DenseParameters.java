package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.streamrec.model.PrimitiveBlocks;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dense parameters of the encoder and item tower under stable names ({@code encoder/…},
 * {@code itemTower/…}), the names used by model updates, checkpoints and the dense optimiser.
 */
public final class DenseParameters {

    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    DenseParameters(Map<String, Block> blocksByPrefix) {
        for (Map.Entry<String, Block> block : blocksByPrefix.entrySet()) {
            for (Pair<String, Parameter> p : block.getValue().getParameters()) {
                byName.put(block.getKey() + "/" + p.getKey(), p.getValue());
            }
        }
    }

    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    public NDArray array(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no dense parameter '" + name + "'; this model has " + byName.keySet());
        }
        return p.getArray();
    }

    public float[] values(String name) {
        return array(name).toFloatArray();
    }

    public long[] shape(String name) {
        return array(name).getShape().getShape();
    }

    /** Overwrites a parameter; the shape must match. */
    public void set(String name, long[] shape, float[] values) {
        NDArray array = array(name);
        if (!Arrays.equals(array.getShape().getShape(), shape)) {
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + array.getShape()
                    + " but the update carries " + Arrays.toString(shape) + "; the architectures differ");
        }
        array.set(values);
    }

    /** Writes every parameter's name, shape and values. */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(byName.size());
        for (String name : byName.keySet()) {
            long[] shape = shape(name);
            out.writeUTF(name);
            out.writeInt(shape.length);
            for (long s : shape) {
                out.writeLong(s);
            }
            float[] values = values(name);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            blocks.putFloats(values, 0, values.length).flush();
        }
    }

    /** Overwrites the parameters with what {@link #writeTo} wrote for the same architecture. */
    void readFrom(DataInput in) throws IOException {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            long size = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
                size *= shape[d];
            }
            float[] values = new float[Math.toIntExact(size)];
            for (int j = 0; j < values.length; j++) {
                values[j] = in.readFloat();
            }
            set(name, shape, values);
        }
    }
}
