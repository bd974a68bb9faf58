package io.streamrec.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Opens a dataset by kind name, as the command line and the evaluation harness name them. */
public final class Datasets {

    /** The kinds {@link #open} understands. */
    public static final List<String> KINDS = List.of("ml-latest-small", "ml-1m", "taobao", "csv", "synthetic");

    private static final Path BUNDLED_MOVIELENS = Path.of("data", "ml-latest-small");

    private Datasets() {}

    /**
     * @param kind    one of {@link #KINDS}
     * @param path    the release folder (MovieLens), the file (taobao, csv), or null: the bundled
     *                ml-latest-small for {@code ml-latest-small}, and nothing for {@code synthetic}
     * @param options {@link ColumnMapping#fromOptions} for {@code csv}, {@link SyntheticOptions#fromOptions}
     *                for {@code synthetic}; must be empty for the other kinds
     */
    public static EventDataset open(String kind, Path path, Map<String, String> options) {
        switch (kind) {
            case "ml-latest-small":
                noOptions(kind, options);
                return path == null ? bundledMovieLens() : MovieLensDataset.latestSmall(path);
            case "ml-1m":
                noOptions(kind, options);
                return MovieLensDataset.oneMillion(
                        requirePath(kind, path, "the unpacked ml-1m folder (ratings.dat, movies.dat, users.dat)"));
            case "taobao":
                noOptions(kind, options);
                return CsvDataset.taobao(requirePath(kind, path, "UserBehavior.csv"));
            case "csv": {
                Path file = requirePath(kind, path, "the CSV file");
                return new CsvDataset(stem(file), file, ColumnMapping.fromOptions(options));
            }
            case "synthetic":
                if (path != null) {
                    throw new IllegalArgumentException(
                            "the synthetic dataset is generated and reads no file; drop --path " + path);
                }
                return new SyntheticDataset(SyntheticOptions.fromOptions(options));
            default:
                throw new IllegalArgumentException("unknown dataset kind '" + kind + "'; use one of " + KINDS);
        }
    }

    /** The repository's copy of ml-latest-small, found under the working directory or one of its parents. */
    public static MovieLensDataset bundledMovieLens() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(BUNDLED_MOVIELENS);
            if (Files.isRegularFile(candidate.resolve("ratings.csv"))) {
                return MovieLensDataset.latestSmall(candidate);
            }
        }
        throw new IllegalArgumentException(
                "the bundled " + BUNDLED_MOVIELENS + " was not found in " + start
                        + " or any parent folder; run from inside the streamrec checkout or pass --path <folder with ratings.csv>");
    }

    private static Path requirePath(String kind, Path path, String what) {
        if (path == null) {
            throw new IllegalArgumentException("dataset '" + kind + "' needs --path: " + what);
        }
        return path;
    }

    private static void noOptions(String kind, Map<String, String> options) {
        if (options != null && !options.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + kind + "' takes no options, got " + options.keySet()
                    + "; options are for csv (column mapping) and synthetic (sizes)");
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
