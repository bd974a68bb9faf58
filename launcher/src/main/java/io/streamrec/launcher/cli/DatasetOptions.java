package io.streamrec.launcher.cli;

import io.streamrec.model.data.Datasets;
import io.streamrec.model.data.EventDataset;
import io.streamrec.model.data.SyntheticOptions;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** Which events to replay: shared by {@code run} and {@code produce}. */
public final class DatasetOptions {

    /** Where the repository keeps its copy of ml-latest-small, relative to the checkout. */
    private static final Path BUNDLED = Path.of("data", "ml-latest-small");

    @Option(
            names = "--dataset",
            defaultValue = "ml-latest-small",
            paramLabel = "KIND",
            completionCandidates = Kinds.class,
            description = "Dataset to replay: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE} (the copy bundled"
                    + " in the repository's data/ folder).")
    String kind;

    @Option(
            names = "--path",
            paramLabel = "PATH",
            description = "The dataset's folder (MovieLens) or file (taobao, csv). Needed for every kind except"
                    + " the bundled ml-latest-small and synthetic.")
    Path path;

    @Option(
            names = "--synthetic",
            description = "Replay the synthetic generator instead (same as --dataset synthetic).")
    boolean synthetic;

    @Option(names = "--synthetic-users", paramLabel = "N", description = "Synthetic: users. Default: ${DEFAULT-VALUE}.")
    Integer syntheticUsers;

    @Option(names = "--synthetic-items", paramLabel = "N", description = "Synthetic: items. Default: ${DEFAULT-VALUE}.")
    Integer syntheticItems;

    @Option(
            names = "--synthetic-events",
            paramLabel = "N",
            description = "Synthetic: events. Default: ${DEFAULT-VALUE}.")
    Long syntheticEvents;

    @Option(names = "--seed", paramLabel = "N", description = "Synthetic: random seed. Default: ${DEFAULT-VALUE}.")
    Long seed;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--dataset-option",
            paramLabel = "KEY=VALUE",
            description = "Further dataset options: the column mapping of csv (user=0, item=1, time=2,"
                    + " time-unit=seconds, header=true, delimiter=',', ...) or any synthetic generator option"
                    + " (clusters, item-zipf, drift-rate, ...).")
    Map<String, String> extraOptions = new LinkedHashMap<>();

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Replay at most N events (the first N in event time). Default: all.")
    Long limit;

    /** The effective kind: {@code --synthetic} wins over {@code --dataset}. */
    String kind() {
        return synthetic ? "synthetic" : kind;
    }

    Optional<Long> limit() {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1 event, got " + limit);
        }
        return Optional.ofNullable(limit);
    }

    /** Opens the chosen dataset; every mistake is an {@link IllegalArgumentException} naming the option. */
    EventDataset open() {
        String effectiveKind = kind();
        if (synthetic && !"ml-latest-small".equals(kind) && !"synthetic".equals(kind)) {
            throw new IllegalArgumentException(
                    "--synthetic and --dataset " + kind + " contradict each other;" + " give one of them");
        }
        Map<String, String> options = new LinkedHashMap<>(extraOptions);
        putIfGiven(options, "users", "--synthetic-users", syntheticUsers);
        putIfGiven(options, "items", "--synthetic-items", syntheticItems);
        putIfGiven(options, "events", "--synthetic-events", syntheticEvents);
        putIfGiven(options, "seed", "--seed", seed);
        if (!"synthetic".equals(effectiveKind) && options.size() > extraOptions.size()) {
            throw new IllegalArgumentException("--synthetic-users/-items/-events and --seed apply to the synthetic"
                    + " dataset only; add --synthetic or drop them");
        }
        Path datasetPath = path;
        if (datasetPath == null && "ml-latest-small".equals(effectiveKind)) {
            datasetPath = locateBundledMovieLens();
        }
        return Datasets.open(effectiveKind, datasetPath, options);
    }

    /** Only what the command line gave: the defaults shown in the help are the generator's own. */
    private void putIfGiven(Map<String, String> options, String key, String option, Number value) {
        ParseResult parsed = command == null ? null : command.commandLine().getParseResult();
        boolean given = parsed == null ? value != null : parsed.hasMatchedOption(option);
        if (given && value != null) {
            options.put(key, value.toString());
        }
    }

    /**
     * The repository's ml-latest-small: searched from the working folder upwards, then from the
     * checkout the launcher names ({@code -Dstreamrec.home}), then from the jar's location (the jar
     * is built into {@code launcher/target/}).
     */
    static Path locateBundledMovieLens() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        Optional.ofNullable(System.getProperty("streamrec.home")).map(Path::of).ifPresent(starts::add);
        jarFolder().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(BUNDLED);
                if (Files.isRegularFile(candidate.resolve("ratings.csv"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("The bundled " + BUNDLED + " was not found above " + starts
                + ". Run from inside the streamrec checkout, or pass --path <folder with ratings.csv and"
                + " movies.csv>, or choose another --dataset or --synthetic.");
    }

    private static Optional<Path> jarFolder() {
        try {
            var location = DatasetOptions.class.getProtectionDomain().getCodeSource();
            return location == null
                    ? Optional.empty()
                    : Optional.of(Path.of(location.getLocation().toURI()).getParent());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The synthetic generator's own defaults, for the help text of a command that mixes these options in. */
    static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (!(argSpec instanceof OptionSpec option)) {
                return null;
            }
            SyntheticOptions synthetic = SyntheticOptions.defaults();
            return switch (option.longestName()) {
                case "--synthetic-users" -> String.valueOf(synthetic.users());
                case "--synthetic-items" -> String.valueOf(synthetic.items());
                case "--synthetic-events" -> String.valueOf(synthetic.events());
                case "--seed" -> String.valueOf(synthetic.seed());
                default -> null;
            };
        }
    }

    /** Completion candidates and the help text's list of kinds. */
    static final class Kinds extends ArrayList<String> {
        Kinds() {
            super(Datasets.KINDS);
        }
    }
}
