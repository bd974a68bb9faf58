package io.streamrec.flink.it;

import io.streamrec.cluster.FlinkSessionCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts again a TaskManager whose process ended on its own, as Kubernetes starts again a pod whose container exited.
 * Flink ends a TaskManager process on a fatal error, for instance a task that fails a second time while it cleans up
 * after a failover; without a supervisor the cluster would run on fewer slots until the end of the soak. Faults that
 * kill a TaskManager on purpose hold {@link #lock()} while they do, so the supervisor never races them.
 */
final class TaskManagerSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerSupervisor.class);

    /** TaskManager {@code taskManager} was found ended at {@code atNanos} ({@link System#nanoTime()}). */
    record Restart(int taskManager, long atNanos, String reason) {}

    private final FlinkSessionCluster flink;
    private final Object lock = new Object();
    private final List<Restart> restarts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "taskmanager-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    private TaskManagerSupervisor(FlinkSessionCluster flink) {
        this.flink = flink;
    }

    /** Looks at every TaskManager of {@code flink} each second until closed. */
    static TaskManagerSupervisor start(FlinkSessionCluster flink) {
        TaskManagerSupervisor supervisor = new TaskManagerSupervisor(flink);
        supervisor.timer.scheduleWithFixedDelay(supervisor::checkQuietly, 1, 1, TimeUnit.SECONDS);
        return supervisor;
    }

    /** Held by whoever kills or restarts a TaskManager on purpose. */
    Object lock() {
        return lock;
    }

    /** The TaskManagers found ended and started again, in order. */
    List<Restart> restarts() {
        return List.copyOf(restarts);
    }

    /** Starts again every TaskManager whose process has ended. */
    void check() {
        synchronized (lock) {
            for (int number = 1; number <= flink.taskManagerCount(); number++) {
                if (!flink.taskManager(number).isAlive()) {
                    Restart restart = new Restart(number, System.nanoTime(), lastFatalLine(number));
                    LOG.warn("TaskManager {} ended on its own ({}); starting it again", number, restart.reason());
                    flink.restartTaskManager(number);
                    restarts.add(restart);
                }
            }
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Could not restart a TaskManager", e);
        }
    }

    /** What the TaskManager's log says made it end, if it says. */
    private String lastFatalLine(int number) {
        Path log = flink.dir().resolve("taskmanager-" + number + ".log");
        if (!Files.exists(log)) {
            return "no log";
        }
        try {
            // bytes first: a log cut mid-character by the process's end must not stop the supervisor
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.contains("Fatal error") || line.contains("FATAL"))
                    .reduce((first, second) -> second)
                    .map(line -> line.length() > 300 ? line.substring(0, 300) : line)
                    .orElse("no fatal error in its log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops looking, before the cluster is stopped on purpose; waits for a restart under way. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
