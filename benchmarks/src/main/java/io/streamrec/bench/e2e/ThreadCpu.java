package io.streamrec.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time of each thread of a Linux process, read from {@code /proc/PID/task/TID/stat}, so a benchmark can say
 * where another JVM's CPU went over a window without a profiler in it: two {@link #of readings} and their
 * {@link #since difference} grouped by thread name. The kernel keeps the first 15 bytes of a thread's name (the JVM
 * sets it from the Java name), so subtasks of one Flink task, or workers of one pool, fall into one group once their
 * trailing numbers are dropped ({@link #group}).
 */
record ThreadCpu(double processSeconds, Map<Integer, Task> threads, long atNanos) {

    /** One thread's name as the kernel keeps it, and its user + system CPU seconds so far. */
    record Task(String name, double seconds) {}

    /** Clock ticks per second of {@code /proc}'s times: 100 on every Linux this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** The threads of {@code pid} now; empty when the process is gone or this is not Linux. */
    static ThreadCpu of(long pid) {
        Map<Integer, Task> threads = new HashMap<>();
        double process = 0;
        try {
            process = cpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        threads.put(
                                Integer.parseInt(task.getFileName().toString()),
                                new Task(name(stat), cpuSeconds(stat)));
                    } catch (NoSuchFileException ended) {
                        // the thread ended between the listing and the read
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new ThreadCpu(0, Map.of(), System.nanoTime());
        }
        return new ThreadCpu(process, threads, System.nanoTime());
    }

    /** The name field of a {@code stat} line: between the first '(' and the last ')', since a name may hold both. */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** utime + stime (fields 14 and 15) of a {@code stat} line, in seconds. */
    static double cpuSeconds(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after[0] is field 3 (state), so field n is after[n - 3]
        return (Long.parseLong(after[11]) + Long.parseLong(after[12])) / TICKS_PER_SECOND;
    }

    /**
     * A thread's group: its name without the trailing subtask, worker or pool numbers ("user state (1/2" and
     * "user state (2/2" are "user state", "GC Thread#1" is "GC Thread").
     */
    static String group(String name) {
        int end = name.length();
        while (end > 0 && "0123456789#/()-:_. ".indexOf(name.charAt(end - 1)) >= 0) {
            end--;
        }
        return end == 0 ? name : name.substring(0, end);
    }

    /** Where the CPU went between {@code earlier} and this reading. */
    Window since(ThreadCpu earlier) {
        Map<String, Double> byGroup = new HashMap<>();
        for (Map.Entry<Integer, Task> t : threads.entrySet()) {
            Task before = earlier.threads.get(t.getKey());
            double used = t.getValue().seconds() - (before == null ? 0 : before.seconds());
            if (used > 0) {
                byGroup.merge(group(t.getValue().name()), used, Double::sum);
            }
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new Window((atNanos - earlier.atNanos) / 1e9, processSeconds - earlier.processSeconds, sorted);
    }

    /**
     * CPU seconds over a window of {@code wallSeconds}: the whole process's (threads that ended inside the window
     * included) and each group's, largest first.
     */
    record Window(double wallSeconds, double processSeconds, Map<String, Double> groups) {

        /** Cores the process used on average. */
        double cores() {
            return wallSeconds > 0 ? processSeconds / wallSeconds : 0;
        }

        /** "1.93 cores: encode user vec 0.52, streamrec-train 0.48, ..." for the groups over {@code minCores}. */
        String describe(double minCores) {
            StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%.2f cores:", cores()));
            List<Map.Entry<String, Double>> shown = groups.entrySet().stream()
                    .filter(e -> e.getValue() / wallSeconds >= minCores)
                    .toList();
            for (int i = 0; i < shown.size(); i++) {
                line.append(i == 0 ? " " : ", ")
                        .append(shown.get(i).getKey())
                        .append(String.format(
                                java.util.Locale.ROOT, " %.2f", shown.get(i).getValue() / wallSeconds));
            }
            return line.toString();
        }
    }
}
