package io.streamrec.model.data;

import io.streamrec.schemas.EventType;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A MovieLens release (Harper &amp; Konstan 2015): every rating is a {@code rate} event
 * {@code u<userId>-m<movieId>} at seconds×1000 with the default reward. The movie's genres are its
 * side information: the leaf category is the full genres string ({@code Adventure|Comedy}), the
 * category its first genre ({@code (no genres listed)} gives no category). MovieLens 1M's
 * users.dat becomes {@link UserProfile}s with gender, age, occupation and zipPrefix.
 */
public final class MovieLensDataset implements EventDataset {

    /** The file layouts of the releases streamrec reads. */
    public enum Release {
        /** ml-latest-small: ratings.csv, movies.csv; quoted CSV with headers. */
        LATEST_SMALL("ml-latest-small", "ratings.csv", "movies.csv", null, ",", true, StandardCharsets.UTF_8),
        /** ml-1m: ratings.dat, movies.dat, users.dat; {@code ::}-separated, no header, Latin-1 titles. */
        ONE_M("ml-1m", "ratings.dat", "movies.dat", "users.dat", "::", false, StandardCharsets.ISO_8859_1);

        private final String datasetName;
        private final String ratings;
        private final String movies;
        private final String users;
        private final String delimiter;
        private final boolean csv;
        private final Charset charset;

        Release(
                String datasetName,
                String ratings,
                String movies,
                String users,
                String delimiter,
                boolean csv,
                Charset charset) {
            this.datasetName = datasetName;
            this.ratings = ratings;
            this.movies = movies;
            this.users = users;
            this.delimiter = delimiter;
            this.csv = csv;
            this.charset = charset;
        }

        /** userId, movieId, rating, timestamp in both releases. */
        ColumnMapping ratingsMapping() {
            return fileMapping()
                    .user(Column.at(0))
                    .item(Column.at(1))
                    .time(Column.at(3), TimeUnit.SECONDS)
                    .defaultEventType(EventType.RATE.wireName())
                    .build();
        }

        /** movies (movieId, title, genres) and users (userId, gender, age, occupation, zip) files. */
        CSVFormat sideFileFormat() {
            return ColumnMapping.csvFormat(delimiter, csv, csv);
        }

        private ColumnMapping.Builder fileMapping() {
            return ColumnMapping.builder()
                    .header(csv)
                    .quoted(csv)
                    .delimiter(delimiter)
                    .charset(charset);
        }
    }

    private static final String NO_GENRES = "(no genres listed)";

    private final Release release;
    private final Path dir;
    private volatile ItemCatalog catalog;

    public MovieLensDataset(Release release, Path dir) {
        this.release = release;
        this.dir = dir;
        if (!Files.isRegularFile(dir.resolve(release.ratings))) {
            throw new IllegalArgumentException("no " + release.ratings + " in " + dir.toAbsolutePath()
                    + "; pass the folder of the unpacked " + release.datasetName + " release");
        }
    }

    public static MovieLensDataset latestSmall(Path dir) {
        return new MovieLensDataset(Release.LATEST_SMALL, dir);
    }

    public static MovieLensDataset oneMillion(Path dir) {
        return new MovieLensDataset(Release.ONE_M, dir);
    }

    @Override
    public String name() {
        return release.datasetName;
    }

    @Override
    public Stream<UserEvent> events() throws IOException {
        DelimitedEventReader ratings = new DelimitedEventReader(
                dir.resolve(release.ratings),
                release.ratingsMapping(),
                catalog(),
                (user, movie, line) -> "u" + user + "-m" + movie);
        return TimeOrder.sorted(ratings.readInFileOrder());
    }

    /** movieId → genres, read once. */
    public ItemCatalog catalog() throws IOException {
        ItemCatalog c = catalog;
        if (c == null) {
            Map<String, ItemCatalog.ItemInfo> items = new HashMap<>();
            for (CSVRecord row : readAll(release.movies, 3)) {
                String genres = row.get(2);
                String first = genres.equals(NO_GENRES) ? null : genres.split("\\|", 2)[0];
                items.put(row.get(0), new ItemCatalog.ItemInfo(genres, first, null, null));
            }
            catalog = c = new ItemCatalog(items);
        }
        return c;
    }

    /** movieId → title and genres (none for "(no genres listed)"), from the movies file. */
    public Map<String, ItemDescription> descriptions() throws IOException {
        Map<String, ItemDescription> items = new HashMap<>();
        for (CSVRecord row : readAll(release.movies, 3)) {
            String genres = row.get(2);
            items.put(
                    row.get(0),
                    new ItemDescription(
                            row.get(1), genres.equals(NO_GENRES) ? List.of() : List.of(genres.split("\\|"))));
        }
        return items;
    }

    @Override
    public List<UserProfile> profiles() throws IOException {
        if (release.users == null) {
            return List.of();
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (CSVRecord row : readAll(release.users, 5)) {
            String zip = row.get(4);
            profiles.add(UserProfile.newBuilder()
                    .setUserId(row.get(0))
                    .setFeatures(Map.of(
                            "gender", row.get(1),
                            "age", row.get(2),
                            "occupation", row.get(3),
                            "zipPrefix", zip.substring(0, Math.min(3, zip.length()))))
                    .setUpdatedAt(0L)
                    .build());
        }
        return profiles;
    }

    /** A side file's rows, each checked to have at least {@code columns} columns. */
    private List<CSVRecord> readAll(String fileName, int columns) throws IOException {
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + fileName + " in " + dir.toAbsolutePath() + "; the "
                    + release.datasetName + " release ships it beside " + release.ratings);
        }
        try (Reader reader = Files.newBufferedReader(file, release.charset);
                CSVParser parser = release.sideFileFormat().parse(reader)) {
            List<CSVRecord> rows = new ArrayList<>();
            for (CSVRecord row : parser) {
                if (row.size() < columns) {
                    throw new DatasetFormatException(String.format(
                            "%s line %d has %d column(s), expected %d",
                            fileName, parser.getCurrentLineNumber(), row.size(), columns));
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
