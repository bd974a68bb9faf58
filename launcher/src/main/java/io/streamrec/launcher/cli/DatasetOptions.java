package io.streamrec.launcher.cli;

import io.streamrec.model.data.Datasets;
import io.streamrec.model.data.EventDataset;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

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

    @Option(names = "--synthetic-users", paramLabel = "N", description = "Synthetic: users. Default: 10000.")
    Integer syntheticUsers;

    @Option(names = "--synthetic-items", paramLabel = "N", description = "Synthetic: items. Default: 5000.")
    Integer syntheticItems;

    @Option(names = "--synthetic-events", paramLabel = "N", description = "Synthetic: events. Default: 200000.")
    Long syntheticEvents;

    @Option(names = "--seed", paramLabel = "N", description = "Synthetic: random seed. Default: 42.")
    Long seed;

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
        putIfSet(options, "users", syntheticUsers);
        putIfSet(options, "items", syntheticItems);
        putIfSet(options, "events", syntheticEvents);
        putIfSet(options, "seed", seed);
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

    private static void putIfSet(Map<String, String> options, String key, Number value) {
        if (value != null) {
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

    /** Completion candidates and the help text's list of kinds. */
    static final class Kinds extends ArrayList<String> {
        Kinds() {
            super(Datasets.KINDS);
        }
    }
}
