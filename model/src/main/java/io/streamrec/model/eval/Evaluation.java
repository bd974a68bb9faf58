package io.streamrec.model.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every model under every protocol on one dataset, in one run, and reports a table of the
 * metrics with training time, and optionally CSV rows {@code model,protocol,metric,value}.
 */
public final class Evaluation {

    /** HR@10, HR@50, Recall@50, NDCG@10, NDCG@50. */
    public static final List<Metric.At> DEFAULT_METRICS =
            List.of(Metric.HR.at(10), Metric.HR.at(50), Metric.RECALL.at(50), Metric.NDCG.at(10), Metric.NDCG.at(50));

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);
    private static final long PROGRESS_INTERVAL_MILLIS = 10_000;

    private final List<SequentialRecommender.Factory> models;
    private final List<Protocol> protocols;
    private final List<Metric.At> metrics;

    public Evaluation(List<SequentialRecommender.Factory> models, List<Protocol> protocols, List<Metric.At> metrics) {
        if (models.isEmpty() || protocols.isEmpty() || metrics.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one model, one protocol and one metric");
        }
        this.models = List.copyOf(models);
        this.protocols = List.copyOf(protocols);
        this.metrics = List.copyOf(metrics);
    }

    public List<ProtocolResult> run(EvaluationData data) {
        List<ProtocolResult> results = new ArrayList<>();
        for (Protocol protocol : protocols) {
            for (SequentialRecommender.Factory model : models) {
                LOG.info(
                        "{} on {} ({} examples): {}",
                        protocol.name(),
                        data.name(),
                        data.examples().size(),
                        model.name());
                List<ProtocolResult> produced = protocol.run(
                        model,
                        data,
                        metrics,
                        TrainingProgress.logging(model.name() + "/" + protocol.name(), PROGRESS_INTERVAL_MILLIS));
                for (ProtocolResult result : produced) {
                    LOG.info("{}", row(result));
                    results.add(result);
                }
            }
        }
        return results;
    }

    /**
     * The results of runs that differ only in their seed, as one result per model and protocol: each metric's mean
     * over the runs with its standard deviation (n − 1), the mean training time, the first run's curve.
     */
    public static List<ProtocolResult> meanOverSeeds(List<List<ProtocolResult>> runs) {
        Map<String, List<ProtocolResult>> byKey = new LinkedHashMap<>();
        for (List<ProtocolResult> run : runs) {
            for (ProtocolResult r : run) {
                byKey.computeIfAbsent(r.model() + "\u0000" + r.protocol(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        List<ProtocolResult> merged = new ArrayList<>();
        for (List<ProtocolResult> same : byKey.values()) {
            ProtocolResult first = same.get(0);
            Map<Metric.At, Double> means = new LinkedHashMap<>();
            Map<Metric.At, Double> deviations = new LinkedHashMap<>();
            for (Metric.At m : first.metrics().keySet()) {
                double[] values = same.stream().mapToDouble(r -> r.get(m)).toArray();
                double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
                double squares = java.util.Arrays.stream(values)
                        .map(v -> (v - mean) * (v - mean))
                        .sum();
                means.put(m, mean);
                deviations.put(m, values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0.0);
            }
            long trainingNanos = (long) same.stream()
                    .mapToLong(r -> r.training().toNanos())
                    .average()
                    .orElse(0);
            long totalNanos = (long)
                    same.stream().mapToLong(r -> r.total().toNanos()).average().orElse(0);
            merged.add(new ProtocolResult(
                    first.model(),
                    first.protocol(),
                    means,
                    first.evaluated(),
                    java.time.Duration.ofNanos(trainingNanos),
                    java.time.Duration.ofNanos(totalNanos),
                    first.curve(),
                    deviations));
        }
        return merged;
    }

    /** A fixed-width table: model, protocol, each metric, training seconds, lists evaluated. */
    public String table(List<ProtocolResult> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-18s %-16s", "model", "protocol"));
        for (Metric.At m : metrics) {
            out.append(String.format(Locale.ROOT, " %9s", m));
        }
        out.append(String.format(Locale.ROOT, " %9s %9s%n", "train_s", "evaluated"));
        for (ProtocolResult r : results) {
            out.append(row(r)).append(System.lineSeparator());
        }
        return out.toString();
    }

    private String row(ProtocolResult r) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s %-16s", r.model(), r.protocol()));
        for (Metric.At m : metrics) {
            Double sd = r.deviations().get(m);
            line.append(
                    sd == null
                            ? String.format(Locale.ROOT, " %9.4f", r.get(m))
                            : String.format(Locale.ROOT, " %.4f±%.4f", r.get(m), sd));
        }
        line.append(String.format(Locale.ROOT, " %9.1f %9d", r.training().toMillis() / 1000.0, r.evaluated()));
        return line.toString();
    }

    /** Writes {@code model,protocol,metric,value} rows: the metrics, then train_seconds and evaluated. */
    public void writeCsv(List<ProtocolResult> results, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            out.write("model,protocol,metric,value\n");
            for (ProtocolResult r : results) {
                for (Metric.At m : metrics) {
                    out.write(String.format(Locale.ROOT, "%s,%s,%s,%.6f%n", r.model(), r.protocol(), m, r.get(m)));
                }
                out.write(String.format(
                        Locale.ROOT,
                        "%s,%s,train_seconds,%.3f%n",
                        r.model(),
                        r.protocol(),
                        r.training().toMillis() / 1000.0));
                out.write(String.format(Locale.ROOT, "%s,%s,evaluated,%d%n", r.model(), r.protocol(), r.evaluated()));
            }
        }
    }
}
