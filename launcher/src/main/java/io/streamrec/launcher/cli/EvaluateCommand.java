package io.streamrec.launcher.cli;

import io.streamrec.model.data.EventDataset;
import io.streamrec.model.eval.Evaluation;
import io.streamrec.model.eval.EvaluationData;
import io.streamrec.model.eval.LeaveLastOneOut;
import io.streamrec.model.eval.Metric;
import io.streamrec.model.eval.Models;
import io.streamrec.model.eval.NeuralSettings;
import io.streamrec.model.eval.Prequential;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.eval.Protocol;
import io.streamrec.model.eval.ProtocolResult;
import io.streamrec.model.eval.StreamProtocol;
import io.streamrec.model.eval.report.LearningCurveReport;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.train.TrainerOptions;
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
            description = "loo (leave-last-one-out), prequential and/or stream (the streaming trainer's own"
                    + " policy without Flink: one pass in time order at --stream-capacity, then the held-out last"
                    + " events; with popularity and ItemCF scored online on the same examples)."
                    + " Default: ${DEFAULT-VALUE}.")
    List<String> protocols;

    @Option(
            names = "--split",
            defaultValue = "test",
            paramLabel = "SPLIT",
            description =
                    "test: every user's last event is held out; validation: every user's last event is dropped"
                            + " and the second-to-last held out (tune on validation, report on test). Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "N",
            defaultValue = "42",
            description = "Model seeds (initialisation, negatives, sampling); with more than one, every figure is"
                    + " the mean ± standard deviation over them. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;

    @Option(
            names = "--stream-capacity",
            defaultValue = "Infinity",
            paramLabel = "F",
            description = "Stream: examples the trainer can train per example arriving; below 1 it falls behind and"
                    + " samples (about F trained), above 1 it has room to replay. Default: ${DEFAULT-VALUE}.")
    double streamCapacity;

    @Option(
            names = "--stream-rate",
            defaultValue = "1000",
            paramLabel = "EV_PER_S",
            description = "Stream: simulated arrival rate, which sets how many events the longest batch delay"
                    + " (trainer-max-batch-delay) spans. Default: ${DEFAULT-VALUE}.")
    double streamRate;

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
                    + " (batch-size, temperature, dense-learning-rate, popularity-prior, recent-negatives, ...) and"
                    + " encoder keys (sine.concepts, sine.interests, sdm.attention-heads, ...); see the README's table."
                    + " The stream protocol also takes the online learner's (trainer-replay-ratio,"
                    + " trainer-max-batch-delay, trainer-queue-capacity, ...).")
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

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "Also write a report into DIR: index.html with the results table and, for the stream"
                    + " protocol, pictures of each model's prequential HR@50 along the stream beside popularity's and"
                    + " ItemCF's, and of the fraction trained and the loss.")
    Path report;

    @Override
    public Integer call() throws Exception {
        EventDataset events;
        List<Protocol> chosen;
        List<Metric.At> measured;
        boolean validation;
        try {
            EventDataset chosenDataset = dataset.open();
            events = dataset.limit().map(chosenDataset::limitedTo).orElse(chosenDataset);
            chosen = protocols();
            Models.requireKnown(models);
            measured = metrics.stream().map(Metric.At::parse).toList();
            validation = switch (split.trim()) {
                case "test" -> false;
                case "validation" -> true;
                default ->
                    throw new IllegalArgumentException("unknown --split '" + split + "'; use test or validation");
            };
            if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
                throw new IllegalArgumentException("--seeds needs distinct seeds, got " + seeds);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf("replaying %s through the user-history rules...%n", events.name());
        console.flush();
        EvaluationData all = EvaluationData.replay(events, HistoryPolicy.defaults());
        EvaluationData data = validation ? all.forValidation() : all;
        List<List<ProtocolResult>> runs = new ArrayList<>();
        Evaluation evaluation = null;
        for (long seed : seeds) {
            try {
                NeuralSettings neural = NeuralSettings.of(epochs, settings)
                        .withBudget(recentExamplesPerUser, learnFraction)
                        .with(TrainerOptions.EXCLUDE_SEEN, excludeSeen);
                if (!settings.containsKey(TrainerOptions.SEED.key()) || seeds.size() > 1) {
                    neural = neural.with(TrainerOptions.SEED, seed);
                }
                evaluation = new Evaluation(Models.parse(models, neural, data), chosen, measured);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            if (seeds.size() > 1) {
                console.printf("seed %d%n", seed);
                console.flush();
            }
            runs.add(evaluation.run(data));
        }
        List<ProtocolResult> results = runs.size() == 1 ? runs.get(0) : Evaluation.meanOverSeeds(runs);
        console.printf(
                "%s: %d examples%s%n%s",
                data.name(),
                data.examples().size(),
                seeds.size() > 1 ? ", mean ± sd over seeds " + seeds : "",
                evaluation.table(results));
        if (out != null) {
            evaluation.writeCsv(
                    runs.size() == 1
                            ? results
                            : runs.stream().flatMap(List::stream).toList(),
                    out);
            console.printf("wrote %s%n", out);
        }
        if (report != null) {
            LearningCurveReport page = new LearningCurveReport("streamrec evaluate: " + data.name(), "examples");
            // one seed's curves (the first): a mean of curves would hide how each run learnt
            for (ProtocolResult r : runs.get(0)) {
                if (r.protocol().equals("stream-preq")) {
                    page.curve(r.model(), r.curve());
                }
            }
            page.text(
                    "Results" + (seeds.size() > 1 ? " (mean ± sd over seeds " + seeds + ")" : ""),
                    evaluation.table(results));
            console.printf("wrote %s%n", page.writeTo(report));
        }
        return 0;
    }

    private List<Protocol> protocols() {
        List<Protocol> chosen = new ArrayList<>();
        for (String p : protocols) {
            switch (p.trim()) {
                case "loo" -> chosen.add(new LeaveLastOneOut(excludeSeen));
                case "prequential" -> chosen.add(new Prequential(reportFraction, prequentialBatch, excludeSeen));
                case "stream" ->
                    chosen.add(new StreamProtocol(
                            streamCapacity, streamRate, PrequentialEvaluator.Settings.defaults(excludeSeen), 200));
                default ->
                    throw new IllegalArgumentException(
                            "unknown protocol '" + p + "'; use loo, prequential and/or stream");
            }
        }
        return chosen;
    }
}
