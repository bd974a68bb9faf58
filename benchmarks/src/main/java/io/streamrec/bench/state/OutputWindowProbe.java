package io.streamrec.bench.state;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A discarding sink that notes when the first and the last record arrived, across all subtasks of a
 * local (same-JVM) run: the window excludes cluster start-up and job deployment, which would
 * otherwise flatter the slower pipeline's ratio.
 *
 * <p>It also sums, over subtasks, the CPU time of the task thread it runs on (chained after the keyed
 * operator, so that thread is the operator's): CPU per event is far less sensitive than a rate to other
 * load on a shared machine, so it shows what a change to the operator costs or saves. It excludes
 * RocksDB's background flushes and compactions, and the network and checkpoint threads.
 */
final class OutputWindowProbe<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();
    private static final AtomicLong TASK_CPU_NANOS = new AtomicLong();

    static void reset() {
        FIRST_NANOS.set(Long.MAX_VALUE);
        LAST_NANOS.set(Long.MIN_VALUE);
        TASK_CPU_NANOS.set(0);
    }

    /** CPU seconds of the task threads this sink ran on since {@link #reset()}, summed over subtasks. */
    static double taskCpuSeconds() {
        return TASK_CPU_NANOS.get() / 1e9;
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

            /** Runs on the task thread when the task finishes, so the thread's CPU time covers the whole run. */
            @Override
            public void close() {
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                if (threads.isCurrentThreadCpuTimeSupported()) {
                    TASK_CPU_NANOS.addAndGet(threads.getCurrentThreadCpuTime());
                }
            }
        };
    }
}
