package io.streamrec.flink.it;

import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The bundled ml-latest-small ratings as UserEvents, with the mapping the evaluation reader uses: eventId
 * {@code u<user>-m<movie>}, itemId the movieId, type {@code rate}, timestamp seconds×1000, leafCategoryId the
 * full genres string and categoryId its first genre. Sorted by (timestamp, userId, movieId): the order a
 * replay produces them in, so each partition is in event-time order.
 */
final class MovieLensRatings {

    private MovieLensRatings() {}

    static List<UserEvent> load() {
        Path dir = datasetDir();
        Map<String, String> genres = new HashMap<>();
        try (Stream<String> lines = Files.lines(dir.resolve("movies.csv"))) {
            lines.skip(1).forEach(line -> {
                // title may hold quoted commas; the id is before the first comma, the genres after the last
                genres.put(line.substring(0, line.indexOf(',')), line.substring(line.lastIndexOf(',') + 1));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<String> lines = Files.lines(dir.resolve("ratings.csv"))) {
            return lines.skip(1)
                    .map(line -> {
                        String[] f = line.split(",");
                        String movieGenres = genres.get(f[1]);
                        return UserEvent.newBuilder()
                                .setEventId("u" + f[0] + "-m" + f[1])
                                .setUserId(f[0])
                                .setItemId(f[1])
                                .setEventType("rate")
                                .setTimestamp(Long.parseLong(f[3]) * 1000L)
                                .setLeafCategoryId(movieGenres)
                                .setCategoryId(movieGenres.split("\\|")[0])
                                .build();
                    })
                    .sorted(Comparator.comparingLong(UserEvent::getTimestamp)
                            .thenComparingInt(e -> Integer.parseInt(e.getUserId()))
                            .thenComparingInt(e -> Integer.parseInt(e.getItemId())))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path datasetDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("data").resolve("ml-latest-small");
            if (Files.exists(candidate.resolve("ratings.csv"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("data/ml-latest-small/ratings.csv not found above "
                + Path.of("").toAbsolutePath());
    }
}
