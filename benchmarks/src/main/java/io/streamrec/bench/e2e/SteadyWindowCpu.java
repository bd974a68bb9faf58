package io.streamrec.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a {@code streamrec run}'s CPU goes over the window its steady-state figures cover: from the end of the
 * warm-up (counted from the line that says the job runs, as the run counts it) to the line that reports the figures.
 * Reads the run's output, passing every line on to this process's.
 */
final class SteadyWindowCpu {

    /** The run prints this once its job is submitted; its warm-up starts there. */
    static final String JOB_RUNNING = "Flink job ";
    /** The run prints this at the end of its steady-state window. */
    static final String FIGURES = "After the ";

    private SteadyWindowCpu() {}

    /**
     * Copies {@code run}'s standard output to {@link System#out} until it ends, and reads the run's threads' CPU at the
     * end of its {@code warmupSec} warm-up and when it reports its figures; empty when either reading is missing.
     */
    static Optional<ThreadCpu.Window> follow(Process run, int warmupSec) {
        AtomicReference<ThreadCpu> start = new AtomicReference<>();
        ThreadCpu end = null;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "steady-window-cpu");
            t.setDaemon(true);
            return t;
        });
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            boolean scheduled = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (end == null && line.startsWith(FIGURES) && start.get() != null) {
                    end = ThreadCpu.of(run.pid());
                }
                System.out.println(line);
                if (!scheduled && line.startsWith(JOB_RUNNING) && line.contains(" running")) {
                    scheduled = true;
                    timer.schedule(() -> start.set(ThreadCpu.of(run.pid())), warmupSec, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the run's output failed", e);
        } finally {
            timer.shutdownNow();
        }
        ThreadCpu first = start.get();
        if (first == null
                || end == null
                || first.threads().isEmpty()
                || end.threads().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(end.since(first));
    }
}
