package io.streamrec.model.sync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 little-endian, row-major: the encoding of every vector in {@code ModelUpdate}. */
final class FloatBytes {

    private FloatBytes() {}

    static ByteBuffer encode(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer;
    }

    static float[] decode(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[view.remaining() / Float.BYTES];
        view.asFloatBuffer().get(values);
        return values;
    }
}
