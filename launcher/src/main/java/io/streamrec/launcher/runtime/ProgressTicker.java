package io.streamrec.launcher.runtime;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints a progress line every interval on a daemon thread until closed. */
public final class ProgressTicker implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    public ProgressTicker(PrintWriter out, double intervalSec, Supplier<String> line) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamrec-progress");
            t.setDaemon(true);
            return t;
        });
        long periodMs = Math.max(100, Math.round(intervalSec * 1000));
        timer.scheduleAtFixedRate(
                () -> {
                    try {
                        out.println(line.get());
                    } catch (RuntimeException e) {
                        if (!closed) { // a reading interrupted by close() is not worth reporting
                            out.println("progress unavailable: " + e.getMessage());
                        }
                    }
                    out.flush();
                },
                periodMs,
                periodMs,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
