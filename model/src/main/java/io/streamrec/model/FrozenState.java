package io.streamrec.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A copy of some state taken at one instant, written later, possibly on another thread. Taking it costs array copies
 * (what a checkpoint may take while training waits); writing it produces exactly the bytes the state's own
 * {@code writeTo} would have produced at that instant, so either reads back with the same {@code readFrom}.
 */
@FunctionalInterface
public interface FrozenState {

    void writeTo(DataOutput out) throws IOException;

    /**
     * How many bytes {@link #writeTo} writes, counted by writing them nowhere: a writer that must put a length before
     * the state streams it after this instead of holding an array as large as the state (such arrays, copied as
     * they grow, are what ran a loaded TaskManager's heap out).
     */
    default long size() throws IOException {
        ByteCounter counter = ByteCounter.discarding();
        writeTo(new DataOutputStream(counter));
        return counter.count();
    }

    /** The bytes {@link #writeTo} writes (for small state and tests: it holds them all). */
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

    /**
     * Counts the bytes written through it and passes them on to a sink, or to nowhere ({@link #discarding}); a
     * {@code long}, where DataOutputStream's own count stops.
     */
    final class ByteCounter extends OutputStream {
        private final DataOutput sink;
        private long count;

        /** Counts and passes every byte on to {@code sink}. */
        public ByteCounter(DataOutput sink) {
            this.sink = sink;
        }

        /** Counts and keeps nothing. */
        public static ByteCounter discarding() {
            return new ByteCounter(null);
        }

        @Override
        public void write(int b) throws IOException {
            if (sink != null) {
                sink.write(b);
            }
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (sink != null) {
                sink.write(b, off, len);
            }
            count += len;
        }

        public long count() {
            return count;
        }
    }

    /** Writes state to {@code out}. */
    @FunctionalInterface
    interface WriteAction {
        void writeTo(DataOutput out) throws IOException;
    }
}
