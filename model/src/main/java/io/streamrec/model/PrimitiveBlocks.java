package io.streamrec.model;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes numbers to a {@link DataOutput} through one buffer: the same big-endian bytes as {@code writeInt},
 * {@code writeLong}, {@code writeFloat} and {@code writeDouble}, in blocks. A {@code DataOutputStream} over a byte array otherwise makes a
 * (synchronised) call per byte, which made writing millions of weights most of a checkpoint's cost.
 */
public final class PrimitiveBlocks {

    private static final int BLOCK_BYTES = 1 << 16;

    private final DataOutput out;
    private final ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);

    public PrimitiveBlocks(DataOutput out) {
        this.out = out;
    }

    public PrimitiveBlocks putLong(long value) throws IOException {
        room(Long.BYTES);
        block.putLong(value);
        return this;
    }

    public PrimitiveBlocks putInt(int value) throws IOException {
        room(Integer.BYTES);
        block.putInt(value);
        return this;
    }

    public PrimitiveBlocks putDouble(double value) throws IOException {
        room(Double.BYTES);
        block.putDouble(value);
        return this;
    }

    public PrimitiveBlocks putFloat(float value) throws IOException {
        room(Float.BYTES);
        block.putFloat(value);
        return this;
    }

    /** {@code values[from..to)} in order. */
    public PrimitiveBlocks putFloats(float[] values, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            room(Float.BYTES);
            block.putFloat(values[i]);
        }
        return this;
    }

    /** Writes what is buffered; call before writing to the output directly, and at the end. */
    public void flush() throws IOException {
        if (block.position() > 0) {
            out.write(block.array(), 0, block.position());
            block.clear();
        }
    }

    private void room(int bytes) throws IOException {
        if (block.remaining() < bytes) {
            flush();
        }
    }
}
