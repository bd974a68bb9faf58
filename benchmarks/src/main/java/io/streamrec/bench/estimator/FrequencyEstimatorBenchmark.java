package io.streamrec.bench.estimator;

import io.streamrec.model.estimator.FrequencyEstimatorConfig;
import io.streamrec.model.estimator.StreamingFrequencyEstimator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Throughput of {@link StreamingFrequencyEstimator}: one {@code update} of a batch of 256 item ids,
 * and reading log p̂ back for the same batch, with m = 1 (the baseline) and m = 4 hash functions.
 * Ids are drawn once from a Zipf(1) vocabulary of 100k items, H = 2^20.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> io.streamrec.bench.estimator.FrequencyEstimatorBenchmark}
 * (prints ids/s per case and the m=4 / m=1 ratio), or through JMH's own {@code org.openjdk.jmh.Main}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class FrequencyEstimatorBenchmark {
    static final int BATCH = 256;
    private static final int VOCABULARY = 100_000;
    private static final int BATCHES = 64;

    @Param({"1", "4"})
    public int hashFunctions;

    private StreamingFrequencyEstimator estimator;
    private final List<List<String>> batches = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        estimator = new StreamingFrequencyEstimator(
                FrequencyEstimatorConfig.defaults().withHashSlots(1 << 20).withHashFunctions(hashFunctions));
        double[] cumulative = new double[VOCABULARY];
        double total = 0;
        for (int rank = 0; rank < VOCABULARY; rank++) {
            total += 1.0 / (rank + 1);
            cumulative[rank] = total;
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int b = 0; b < BATCHES; b++) {
            List<String> batch = new ArrayList<>(BATCH);
            for (int n = 0; n < BATCH; n++) {
                int rank = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * total);
                batch.add("item-" + (rank >= 0 ? rank : -rank - 1));
            }
            batches.add(batch);
        }
        for (List<String> batch : batches) {
            estimator.update(batch); // every id has a slot history before measuring
        }
    }

    /** One training step's worth of estimator work: a batch of 256 ids. */
    @Benchmark
    public long update() {
        estimator.update(batches.get(next++ & (BATCHES - 1)));
        return estimator.step();
    }

    /** log p̂ for a batch of 256 ids, as the trainer reads them for the loss. */
    @Benchmark
    public float[] logProbabilities() {
        return estimator.logProbabilities(batches.get(next++ & (BATCHES - 1)));
    }

    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(FrequencyEstimatorBenchmark.class.getSimpleName())
                        .build())
                .run();
        Map<String, Double> idsPerSecond = new TreeMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            String m = result.getParams().getParam("hashFunctions");
            idsPerSecond.put(name + " m=" + m, result.getPrimaryResult().getScore() * BATCH);
        }
        System.out.println();
        System.out.println("StreamingFrequencyEstimator, batches of " + BATCH + " ids, H = 2^20");
        idsPerSecond.forEach((name, rate) -> System.out.printf("  %-24s %,14.0f ids/s%n", name, rate));
        for (String benchmark : List.of("update", "logProbabilities")) {
            Double baseline = idsPerSecond.get(benchmark + " m=1");
            Double four = idsPerSecond.get(benchmark + " m=4");
            if (baseline != null && four != null) {
                System.out.printf("  %-24s m=4 / m=1 = %.2f%n", benchmark, four / baseline);
            }
        }
    }
}
