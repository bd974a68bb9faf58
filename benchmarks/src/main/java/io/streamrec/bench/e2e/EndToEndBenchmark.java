package io.streamrec.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.launcher.runtime.RunSummary;
import io.streamrec.launcher.runtime.SteadyState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The end-to-end benchmark of issue 4: the whole job ({@code streamrec run}: embedded Kafka, a local Flink cluster
 * on RocksDB, user state, encoders, trainer) on the synthetic generator (100k users, 50k items) at parallelism 2,
 * offered a constant load of events per second for each rate asked, each run in its own JVM through the
 * {@code streamrec} launcher so that one run's heap, JIT and native threads never colour the next.
 *
 * <p>Per rate it prints, after a warm-up: the offered and the consumed events/s and the consumer lag (the job keeps
 * up when the lag stays bounded), the event-to-vector latency p50/p99 (replay send to the vector readable on
 * {@code user-vectors}), the trainer's examples/s and fraction trained, the delta interval achieved (mean and max
 * between the Kafka timestamps of consecutive deltas), and the load average before and after; then where the run's
 * CPU went over the same window, by thread group ({@link SteadyWindowCpu}: no profiler in the run). Targets: 3,000
 * events/s sustained with p99 at most 1 s and a delta every 10 s or less.
 *
 * <p>Options after {@code --} go to every {@code streamrec run} as they are, so one build compares a run with and
 * without something (e.g. {@code -- --no-serving}: the job without the serving API beside it).
 *
 * <pre>
 * benchmarks/run e2e [--rates 1000,2000,3000] [--duration 150] [--warmup 45] [--model sdm] [--summary-json FILE]
 *     [-- extra run options]
 * benchmarks/run e2e --rates 3000 -- --no-serving
 * benchmarks/run e2e --rates 3000 --run-java-opts "-XX:StartFlightRecording=filename=/tmp/e2e-{rate}.jfr,settings=profile"
 * </pre>
 */
public final class EndToEndBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The synthetic generator's default number of sessions open at once. */
    private static final int CONCURRENT_SESSIONS = 200;

    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Double> rates = List.of(1000.0, 2000.0, 3000.0);
        int durationSec = 150;
        int warmupSec = 45;
        String model = "sdm";
        String maxOutOfOrderness = "300ms";
        String runJavaOpts = null;
        Path summaryJson = null;
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rates" -> rates = parseRates(args[++i]);
                case "--duration" -> durationSec = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSec = Integer.parseInt(args[++i]);
                case "--model" -> model = args[++i];
                case "--max-out-of-orderness" -> maxOutOfOrderness = args[++i];
                case "--run-java-opts" -> runJavaOpts = args[++i];
                case "--summary-json" -> summaryJson = Path.of(args[++i]);
                case "--" -> {
                    extra.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                case "--help" -> {
                    System.out.println("benchmarks/run e2e [--rates 1000,2000,3000] [--duration 150] [--warmup 45]"
                            + " [--model sdm] [--max-out-of-orderness 300ms] [--run-java-opts FLAGS] [--summary-json FILE]"
                            + " [-- further streamrec run options]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see --help");
            }
        }
        if (warmupSec >= durationSec) {
            throw new IllegalArgumentException("--warmup must be shorter than --duration");
        }
        Path home = Path.of(System.getProperty("streamrec.home", ".")).toAbsolutePath();
        Path launcher = home.resolve("streamrec");
        Path work = Files.createTempDirectory("streamrec-e2e");

        List<String> rows = new ArrayList<>();
        List<String> cpuRows = new ArrayList<>();
        ObjectNode report = JSON.createObjectNode();
        report.put("model", model);
        report.put("maxOutOfOrderness", maxOutOfOrderness);
        report.put("durationSec", durationSec);
        report.put("warmupSec", warmupSec);
        report.put("extraOptions", String.join(" ", extra));
        ArrayNode runs = report.putArray("runs");
        for (double rate : rates) {
            // enough events for the whole run at the offered rate, so the replay never runs dry
            long events = (long) (rate * durationSec * 1.2) + 10_000;
            Path summaryFile = work.resolve("summary-" + (long) rate + ".json");
            List<String> command = new ArrayList<>(List.of(
                    launcher.toString(),
                    "run",
                    "--synthetic",
                    "--synthetic-users",
                    "100000",
                    "--synthetic-items",
                    "50000",
                    "--synthetic-events",
                    Long.toString(events),
                    // event time at wall-clock speed (200 concurrent sessions, each an event every 200/rate s), so the
                    // watermark holds events back by the real out-of-orderness, as it would in production
                    "--dataset-option",
                    "mean-event-gap=" + String.format(Locale.ROOT, "%.6f", CONCURRENT_SESSIONS / rate),
                    "--dataset-option",
                    "concurrent-sessions=" + CONCURRENT_SESSIONS,
                    "--parallelism",
                    "2",
                    "--model",
                    model,
                    "--rate",
                    Double.toString(rate),
                    "--max-out-of-orderness",
                    maxOutOfOrderness,
                    "--duration",
                    durationSec + "s",
                    "--warmup",
                    warmupSec + "s",
                    "--progress-interval",
                    "10s",
                    "--data-dir",
                    work.resolve("data-" + (long) rate).toString(),
                    "--summary-json",
                    summaryFile.toString()));
            command.addAll(extra);
            System.out.printf(Locale.ROOT, "%n== offered %,.0f events/s: %s%n", rate, String.join(" ", command));
            String loadBefore = loadAverage();
            ProcessBuilder runner = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            if (runJavaOpts != null) {
                // e.g. a JFR recording of each run; {rate} names the rate so runs do not overwrite each other
                runner.environment().put("JAVA_OPTS", runJavaOpts.replace("{rate}", Long.toString((long) rate)));
            }
            Process run = runner.start();
            Optional<ThreadCpu.Window> cpu = SteadyWindowCpu.follow(run, warmupSec);
            int exit = run.waitFor();
            String loadAfter = loadAverage();
            cpu.ifPresent(w -> cpuRows.add(
                    String.format(Locale.ROOT, "| %,.0f | %.0f s | %s |", rate, w.wallSeconds(), w.describe(0.02))));
            if (exit != 0 || !Files.exists(summaryFile)) {
                rows.add(String.format(
                        Locale.ROOT,
                        "| %,.0f | run failed (exit %d) | | | | | | | | %s → %s |",
                        rate,
                        exit,
                        loadBefore,
                        loadAfter));
                continue;
            }
            rows.add(row(rate, RunSummary.readJson(summaryFile), loadBefore, loadAfter));
            ObjectNode entry = runs.addObject();
            entry.put("offeredPerSec", rate);
            entry.put("loadBefore", loadBefore);
            entry.put("loadAfter", loadAfter);
            entry.set("summary", JSON.readTree(summaryFile.toFile()));
            cpu.ifPresent(w -> {
                ObjectNode node = entry.putObject("cpuOverWindow");
                node.put("windowSec", w.wallSeconds());
                node.put("cores", w.cores());
                ObjectNode groups = node.putObject("coresByThread");
                w.groups().forEach((name, seconds) -> {
                    if (seconds / w.wallSeconds() >= 0.005) {
                        groups.put(name, seconds / w.wallSeconds());
                    }
                });
            });
        }
        if (summaryJson != null) {
            JSON.writeValue(summaryJson.toFile(), report);
            System.out.println("Summary of every rate written to " + summaryJson);
        }

        System.out.printf(
                Locale.ROOT,
                "%nEnd to end, synthetic 100k users / 50k items, parallelism 2, model %s,"
                        + " max out-of-orderness %s%s; figures after a %d s warm-up of each %d s run%n",
                model,
                maxOutOfOrderness,
                extra.isEmpty() ? "" : ", run options " + String.join(" ", extra),
                warmupSec,
                durationSec);
        System.out.println("| offered ev/s | consumed ev/s | lag max / end | p50 ms | p99 ms | vectors/s | examples/s"
                + " | fraction trained | delta interval mean / max s | load 1-min before → after |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        if (!cpuRows.isEmpty()) {
            System.out.println();
            System.out.println(
                    "Where the run's CPU went over the same window (cores per thread group, from /proc; names as"
                            + " the kernel keeps them, 15 characters):");
            System.out.println("| offered ev/s | window | cores: by thread group |");
            System.out.println("|---|---|---|");
            cpuRows.forEach(System.out::println);
        }
    }

    private static String row(double rate, RunSummary summary, String loadBefore, String loadAfter) {
        SteadyState s = summary.steady();
        if (s == null) {
            return String.format(
                    Locale.ROOT,
                    "| %,.0f | no steady-state figures | | | | | | | | %s → %s |",
                    rate,
                    loadBefore,
                    loadAfter);
        }
        return String.format(
                Locale.ROOT,
                "| %,.0f | %,.0f | %,d / %,d | %s | %s | %,.0f | %,.0f | %s | %s / %s | %s → %s |",
                s.producedPerSec(),
                s.eventsPerSec(),
                s.maxLag(),
                s.lagAtEnd(),
                orDash(s.latencyP50Ms(), "%,.0f"),
                orDash(s.latencyP99Ms(), "%,.0f"),
                s.vectorsPerSec(),
                s.examplesPerSec(),
                orDash(summary.fractionTrained(), "%.2f"),
                orDash(s.deltaIntervalMeanSec(), "%.1f"),
                orDash(s.deltaIntervalMaxSec(), "%.1f"),
                loadBefore,
                loadAfter);
    }

    private static String orDash(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static List<Double> parseRates(String list) {
        List<Double> rates = new ArrayList<>();
        for (String r : list.split(",")) {
            double rate = Double.parseDouble(r.trim());
            if (!(rate > 0)) {
                throw new IllegalArgumentException("--rates must be positive events/s, got " + r);
            }
            rates.add(rate);
        }
        return rates;
    }

    /** The 1-minute load average, as uptime prints it. */
    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
