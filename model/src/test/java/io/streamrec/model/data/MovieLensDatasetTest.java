package io.streamrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MovieLensDatasetTest {

    @Test
    void mapsRatingsToRateEventsWithGenresAsCategoriesInTimeOrder() throws Exception {
        List<UserEvent> events = Fixtures.readAll(MovieLensDataset.latestSmall(Fixtures.path("ml-small")));

        // file order is by user; 964981247 appears twice and keeps the file's order (user 1 before user 2)
        assertThat(events)
                .extracting(UserEvent::getEventId)
                .containsExactly("u2-m99", "u1-m20", "u2-m10", "u1-m30", "u1-m10");
        UserEvent heat = events.get(1);
        assertThat(heat.getUserId()).isEqualTo("1");
        assertThat(heat.getItemId()).isEqualTo("20");
        assertThat(heat.getEventType()).isEqualTo("rate");
        assertThat(heat.getTimestamp()).isEqualTo(964_981_247_000L);
        assertThat(heat.getWeight()).isNull();
        assertThat(heat.getSessionId()).isNull();
        assertThat(heat.getLeafCategoryId()).isEqualTo("Action|Crime|Thriller");
        assertThat(heat.getCategoryId()).isEqualTo("Action");
        assertThat(heat.getShopId()).isNull();
        assertThat(heat.getBrandId()).isNull();
    }

    @Test
    void quotedTitlesNoGenresAndUnknownMovies() throws Exception {
        Map<String, UserEvent> byId = Fixtures.readAll(MovieLensDataset.latestSmall(Fixtures.path("ml-small"))).stream()
                .collect(Collectors.toMap(UserEvent::getEventId, e -> e));

        assertThat(byId.get("u1-m10").getCategoryId()).isEqualTo("Comedy");
        assertThat(byId.get("u1-m30").getLeafCategoryId()).isEqualTo("(no genres listed)");
        assertThat(byId.get("u1-m30").getCategoryId()).isNull();
        assertThat(byId.get("u2-m99").getLeafCategoryId())
                .as("movie 99 is not in movies.csv")
                .isNull();
        assertThat(byId.get("u2-m99").getCategoryId()).isNull();
    }

    @Test
    void bundledMlLatestSmallHasAllRatingsOfAllUsersSorted() throws Exception {
        MovieLensDataset dataset = Datasets.bundledMovieLens();
        List<UserEvent> events = Fixtures.readAll(dataset);

        assertThat(dataset.name()).isEqualTo("ml-latest-small");
        assertThat(events).hasSize(100_836);
        assertThat(events.stream().map(UserEvent::getUserId).distinct().count()).isEqualTo(610);
        assertThat(events.stream().map(UserEvent::getEventId).distinct().count())
                .isEqualTo(100_836);
        assertThat(events).isSortedAccordingTo((a, b) -> Long.compare(a.getTimestamp(), b.getTimestamp()));
        assertThat(events).allSatisfy(e -> assertThat(e.getLeafCategoryId()).isNotNull());
        assertThat(dataset.catalog().size()).isEqualTo(9_742);
        assertThat(dataset.profiles()).isEmpty();
    }

    @Test
    void readsMovieLens1mDoubleColonFilesAndProfiles() throws Exception {
        MovieLensDataset dataset = MovieLensDataset.oneMillion(Fixtures.path("ml-1m"));
        List<UserEvent> events = Fixtures.readAll(dataset);

        assertThat(events)
                .extracting(UserEvent::getEventId)
                .containsExactly("u2-m1193", "u2-m3408", "u1-m1193", "u1-m661");
        assertThat(events.get(3).getLeafCategoryId()).isEqualTo("Animation|Children's|Musical");
        assertThat(events.get(3).getCategoryId()).isEqualTo("Animation");
        assertThat(events.get(3).getTimestamp()).isEqualTo(978_302_109_000L);
        assertThat(dataset.catalog().size())
                .as("Latin-1 title row is read, not rejected")
                .isEqualTo(4);

        List<UserProfile> profiles = dataset.profiles();
        assertThat(profiles).hasSize(2);
        assertThat(profiles.get(1).getUserId()).isEqualTo("2");
        assertThat(profiles.get(1).getFeatures())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("gender", "M", "age", "56", "occupation", "16", "zipPrefix", "700"));
    }

    @Test
    void missingFolderSaysWhatToPass() {
        assertThatThrownBy(() -> MovieLensDataset.oneMillion(Path.of("no-such-folder")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ratings.dat in")
                .hasMessageContaining("pass the folder of the unpacked ml-1m release");
    }
}
