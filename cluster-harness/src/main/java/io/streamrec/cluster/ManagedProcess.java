package io.streamrec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM started from a {@link JavaCommand}, with the operations a failure test needs: SIGKILL ({@link #kill}),
 * SIGSTOP and SIGCONT ({@link #pause}, {@link #resume}), a graceful stop, a restart with the same command, and its
 * log. Every process still running when this JVM exits is killed by a shutdown hook, so a failed test leaves no
 * cluster behind (a test JVM that is itself killed with SIGKILL cannot do that).
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> RUNNING.forEach(Process::destroyForcibly), "streamrec-cluster-processes-cleanup"));
    }

    private final JavaCommand command;
    private final Process process;
    private final long startedNanos;

    private ManagedProcess(JavaCommand command, Process process) {
        this.command = command;
        this.process = process;
        this.startedNanos = System.nanoTime();
    }

    /** Starts {@code command}; its output is appended to {@link JavaCommand#log()}. */
    public static ManagedProcess start(JavaCommand command) {
        try {
            Files.createDirectories(command.workDir());
            Files.createDirectories(command.log().toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                    .directory(command.workDir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(command.log().toFile()));
            builder.environment().putAll(command.environment());
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            LOG.info("Started {} (pid {}), log {}", command.name(), process.pid(), command.log());
            return new ManagedProcess(command, process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command.name(), e);
        }
    }

    public String name() {
        return command.name();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public JavaCommand command() {
        return command;
    }

    public Path log() {
        return command.log();
    }

    /** SIGKILL: the process dies at once, as in a machine or container loss; waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
        LOG.info("Killed {} (pid {}) with SIGKILL", name(), pid());
    }

    /** SIGSTOP: the process is frozen (a long GC pause or a hung VM) until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not stop within {} s of SIGTERM; killing it", name(), grace.toSeconds());
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A new process with the same command (after {@link #kill()} or {@link #stop}); its log continues the old one. */
    public ManagedProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name() + " still runs (pid " + pid() + "); kill or stop it first");
        }
        return start(command);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name() + " (pid " + pid() + ") still runs after " + timeout.toSeconds()
                        + " s; last lines of its log:\n" + logTail(20));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name(), e);
        }
    }

    /** Waits until a line of the log matches {@code pattern}; fails early if the process exits. */
    public void awaitLog(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logLines().stream().anyMatch(l -> pattern.matcher(l).find())) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue() + " before its log"
                        + " showed '" + pattern + "'; last lines:\n" + logTail(30));
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException(name() + " did not log '" + pattern + "' within " + timeout.toSeconds()
                + " s; last lines:\n" + logTail(30));
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private List<String> logLines() {
        try {
            return Files.exists(log()) ? Files.readAllLines(log(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** How long ago this process was started. */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + output);
            }
            LOG.info("Sent SIG{} to {} (pid {})", signal, name(), pid());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not signal " + name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while signalling " + name(), e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    @Override
    public String toString() {
        return name() + " (pid " + pid() + (isAlive() ? ")" : ", exited)");
    }

    Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }
}
