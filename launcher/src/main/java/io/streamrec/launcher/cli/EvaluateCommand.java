package io.streamrec.launcher.cli;

import io.streamrec.model.data.EventDataset;
import io.streamrec.model.eval.Evaluation;
import io.streamrec.model.eval.EvaluationData;
import io.streamrec.model.eval.LeaveLastOneOut;
import io.streamrec.model.eval.Metric;
import io.streamrec.model.eval.Models;
import io.streamrec.model.eval.NeuralSettings;
import io.streamrec.model.eval.Prequential;
import io.streamrec.model.eval.Protocol;
import io.streamrec.model.eval.ProtocolResult;
import io.streamrec.model.history.HistoryPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamrec evaluate}: every model under both protocols on one dataset, in one run. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = DatasetOptions.Defaults.class,
        description = {
            "Replays a dataset through the streaming job's user-history rules into training examples, then"
                    + " trains and ranks with every model under leave-last-one-out and prequential evaluation,"
                    + " and prints HR, Recall and NDCG per model and protocol with training time.",
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions dataset;

    @Option(
            names = "--models",
            split = ",",
            paramLabel = "MODEL",
            defaultValue = "popularity,itemcf,meanpool,sdm,sine",
            description = "Comma-separated: popularity[:<days>d], itemcf[:<alpha>], meanpool, sdm, sine."
                    + " Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(
            names = "--protocols",
            split = ",",
            paramLabel = "PROTOCOL",
            defaultValue = "loo,prequential",
            description = "loo (leave-last-one-out) and/or prequential. Default: ${DEFAULT-VALUE}.")
    List<String> protocols;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            paramLabel = "N",
            description = "Training epochs of every neural model under leave-last-one-out. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(
            names = "--setting",
            paramLabel = "KEY=VALUE",
            description = "A setting of every neural model, as the job's --trainer-setting takes it: trainer keys"
                    + " (batch-size, temperature, dense-learning-rate, feature-dims, output-dim, ...) and encoder"
                    + " keys (sine.concepts, sine.interests, sdm.attention-heads, ...); see the README's table.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--recent-examples-per-user",
            defaultValue = "0",
            paramLabel = "N",
            description = "Leave-last-one-out: neural models train on each user's N most recent examples only"
                    + " (0: all). Baselines always use all. Default: ${DEFAULT-VALUE}.")
    int recentExamplesPerUser;

    @Option(
            names = "--learn-fraction",
            defaultValue = "1",
            paramLabel = "F",
            description = "Prequential: neural models train on a seeded sample F of the batches (every batch is"
                    + " still scored), as the streaming trainer does when it falls behind. Default: ${DEFAULT-VALUE}.")
    double learnFraction;

    @Option(
            names = "--metrics",
            split = ",",
            paramLabel = "METRIC",
            defaultValue = "HR@10,HR@50,Recall@50,NDCG@10,NDCG@50",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> metrics;

    @Option(
            names = "--exclude-seen",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description = "Leave items the user already took out of every model's ranking (right for MovieLens;"
                    + " use --no-exclude-seen where users repeat items). Default: ${DEFAULT-VALUE}.")
    boolean excludeSeen;

    @Option(
            names = "--report-fraction",
            defaultValue = "0.5",
            paramLabel = "F",
            description = "Prequential: score only the last F of the stream. Default: ${DEFAULT-VALUE}.")
    double reportFraction;

    @Option(
            names = "--prequential-batch",
            defaultValue = "256",
            paramLabel = "N",
            description = "Prequential: examples ranked, then learned, at a time. Default: ${DEFAULT-VALUE}.")
    int prequentialBatch;

    @Option(names = "--out", paramLabel = "FILE.csv", description = "Also write rows model,protocol,metric,value.")
    Path out;

    @Override
    public Integer call() throws Exception {
        EventDataset events;
        List<Protocol> chosen;
        List<Metric.At> measured;
        try {
            EventDataset chosenDataset = dataset.open();
            events = dataset.limit().map(chosenDataset::limitedTo).orElse(chosenDataset);
            chosen = protocols();
            Models.requireKnown(models);
            measured = metrics.stream().map(Metric.At::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf("replaying %s through the user-history rules...%n", events.name());
        console.flush();
        EvaluationData data = EvaluationData.replay(events, HistoryPolicy.defaults());
        Evaluation evaluation;
        try {
            evaluation = new Evaluation(
                    Models.parse(
                            models,
                            NeuralSettings.of(epochs, settings).withBudget(recentExamplesPerUser, learnFraction),
                            data),
                    chosen,
                    measured);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        List<ProtocolResult> results = evaluation.run(data);
        console.printf("%s: %d examples%n%s", data.name(), data.examples().size(), evaluation.table(results));
        if (out != null) {
            evaluation.writeCsv(results, out);
            console.printf("wrote %s%n", out);
        }
        return 0;
    }

    private List<Protocol> protocols() {
        List<Protocol> chosen = new ArrayList<>();
        for (String p : protocols) {
            switch (p.trim()) {
                case "loo" -> chosen.add(new LeaveLastOneOut(excludeSeen));
                case "prequential" -> chosen.add(new Prequential(reportFraction, prequentialBatch, excludeSeen));
                default ->
                    throw new IllegalArgumentException("unknown protocol '" + p + "'; use loo and/or prequential");
            }
        }
        return chosen;
    }
}
