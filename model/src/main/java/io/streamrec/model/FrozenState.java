package io.streamrec.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A copy of some state taken at one instant, written later, possibly on another thread. Taking it costs array copies
 * (what a checkpoint may take while training waits); writing it produces exactly the bytes the state's own
 * {@code writeTo} would have produced at that instant, so either reads back with the same {@code readFrom}.
 */
@FunctionalInterface
public interface FrozenState {

    void writeTo(DataOutput out) throws IOException;

    /** The bytes {@link #writeTo} writes. */
    default byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** State written now (small state, where a copy would cost as much as the writing). */
    static FrozenState written(WriteAction action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            action.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] written = bytes.toByteArray();
        return out -> out.write(written);
    }

    /** Writes state to {@code out}. */
    @FunctionalInterface
    interface WriteAction {
        void writeTo(DataOutput out) throws IOException;
    }
}
