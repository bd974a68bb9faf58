package io.streamrec.bench.state;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A discarding sink that notes when the first and the last record arrived, across all subtasks of a
 * local (same-JVM) run: the window excludes cluster start-up and job deployment, which would
 * otherwise flatter the slower pipeline's ratio.
 */
final class OutputWindowProbe<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();

    static void reset() {
        FIRST_NANOS.set(Long.MAX_VALUE);
        LAST_NANOS.set(Long.MIN_VALUE);
    }

    /** Seconds from the first to the last record since {@link #reset()}. */
    static double windowSeconds() {
        return (LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private boolean seenFirst;

            @Override
            public void write(T element, Context context) {
                long now = System.nanoTime();
                if (!seenFirst) {
                    FIRST_NANOS.accumulateAndGet(now, Math::min);
                    seenFirst = true;
                }
                LAST_NANOS.accumulateAndGet(now, Math::max);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
