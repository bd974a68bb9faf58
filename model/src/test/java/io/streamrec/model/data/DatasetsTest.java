package io.streamrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetsTest {

    @Test
    void opensEveryKindByName() throws Exception {
        assertThat(Datasets.open("ml-latest-small", null, Map.of()).name()).isEqualTo("ml-latest-small");
        assertThat(Datasets.open("ml-1m", Fixtures.path("ml-1m"), Map.of()).profiles())
                .hasSize(2);
        assertThat(Fixtures.readAll(Datasets.open("taobao", Fixtures.path("taobao/UserBehavior.csv"), Map.of())))
                .hasSize(5);
        EventDataset csv = Datasets.open(
                "csv",
                Fixtures.path("ml-small/ratings.csv"),
                Map.of("user", "userId", "item", "movieId", "time", "timestamp", "weight", "rating"));
        assertThat(csv.name()).isEqualTo("ratings");
        assertThat(Fixtures.readAll(csv)).extracting(e -> e.getWeight()).containsExactly(3.0, 5.0, 2.0, 3.5, 4.0);
        assertThat(Fixtures.readAll(Datasets.open("synthetic", null, Map.of("events", "123", "users", "10"))))
                .hasSize(123);
    }

    @Test
    void aLimitKeepsTheFirstEventsInTimeOrder() throws Exception {
        EventDataset whole = Datasets.open(
                "csv",
                Fixtures.path("ml-small/ratings.csv"),
                Map.of("user", "userId", "item", "movieId", "time", "timestamp"));

        EventDataset firstThree = whole.limitedTo(3);

        assertThat(firstThree.name()).isEqualTo(whole.name());
        assertThat(Fixtures.readAll(firstThree))
                .isEqualTo(Fixtures.readAll(whole).subList(0, 3));
        assertThatThrownBy(() -> whole.limitedTo(0)).hasMessageContaining("at least 1 event");
    }

    @Test
    void mistakesSayWhatToDo() {
        assertThatThrownBy(() -> Datasets.open("netflix", null, Map.of()))
                .hasMessageContaining(
                        "unknown dataset kind 'netflix'; use one of [ml-latest-small, ml-1m, taobao, csv, synthetic]");
        assertThatThrownBy(() -> Datasets.open("taobao", null, Map.of())).hasMessageContaining("needs --path");
        assertThatThrownBy(() -> Datasets.open("synthetic", Path.of("x.csv"), Map.of()))
                .hasMessageContaining("drop --path");
        assertThatThrownBy(() -> Datasets.open("ml-1m", Fixtures.path("ml-1m"), Map.of("users", "3")))
                .hasMessageContaining("takes no options");
    }
}
