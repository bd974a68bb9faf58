package io.streamrec.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.UserEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CsvDatasetTest {

    @Test
    void readsTaobaoUserBehaviorRowsAsTypedEventsInTimeOrder() throws Exception {
        List<UserEvent> events = Fixtures.readAll(CsvDataset.taobao(Fixtures.path("taobao/UserBehavior.csv")));

        assertThat(events).extracting(UserEvent::getEventType).containsExactly("view", "buy", "view", "fav", "cart");
        UserEvent first = events.get(0);
        assertThat(first.getUserId()).isEqualTo("1");
        assertThat(first.getItemId()).isEqualTo("2268318");
        assertThat(first.getCategoryId()).isEqualTo("2520377");
        assertThat(first.getTimestamp()).isEqualTo(1_511_544_070_000L);
        assertThat(events)
                .extracting(UserEvent::getEventId)
                .containsExactly("taobao-L1", "taobao-L5", "taobao-L2", "taobao-L3", "taobao-L4");
    }

    @Test
    void genericMappingByHeaderNamesWithTabsAndMilliseconds() throws Exception {
        ColumnMapping mapping = ColumnMapping.fromOptions(Map.of(
                "user",
                "visitor",
                "item",
                "product",
                "time",
                "ts_ms",
                "time-unit",
                "ms",
                "type",
                "action",
                "category",
                "cat",
                "weight",
                "price",
                "delimiter",
                "\\t"));
        List<UserEvent> events = Fixtures.readAll(new CsvDataset("shop", Fixtures.path("csv/custom.tsv"), mapping));

        assertThat(events).extracting(UserEvent::getUserId).containsExactly("B", "A", "B");
        UserEvent buy = events.get(0);
        assertThat(buy.getEventType()).isEqualTo("buy");
        assertThat(buy.getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(buy.getWeight()).isEqualTo(3.5);
        assertThat(buy.getCategoryId()).as("empty cell is absent").isNull();
        assertThat(events.get(1).getCategoryId()).isEqualTo("shoes");
        assertThat(events.get(1).getWeight()).isNull();
    }

    @Test
    void badNumberNamesFileLineAndColumn() {
        CsvDataset dataset = new CsvDataset(
                "bad",
                Fixtures.path("csv/bad-time.csv"),
                ColumnMapping.builder()
                        .user(Column.at(0))
                        .item(Column.at(1))
                        .time(Column.named("time"), TimeUnit.SECONDS)
                        .build());

        assertThatThrownBy(() -> Fixtures.readAll(dataset))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("bad-time.csv line 3, column 'time' (time): '1O1' is not a whole number of seconds;"
                        + " fix the row or the column mapping");
    }

    @Test
    void unknownEventTypeAndShortRowAreReportedWithTheirLine() {
        ColumnMapping typed = ColumnMapping.fromOptions(Map.of("user", "0", "item", "1", "time", "2", "type", "3"));
        assertThatThrownBy(() -> Fixtures.readAll(new CsvDataset("t", Fixtures.path("csv/bad-type.csv"), typed)))
                .hasMessageContaining(
                        "bad-type.csv line 3, column index 3 (event type): 'teleport' is not a known event type");

        ColumnMapping plain = ColumnMapping.fromOptions(Map.of("user", "0", "item", "1", "time", "2"));
        assertThatThrownBy(() -> Fixtures.readAll(new CsvDataset("s", Fixtures.path("csv/short-row.csv"), plain)))
                .hasMessageContaining("short-row.csv line 3 has 2 column(s) but the time column is index 2");
    }

    @Test
    void mappingMistakesAreCaughtBeforeReading() {
        assertThatThrownBy(() -> ColumnMapping.fromOptions(Map.of("user", "0", "item", "1")))
                .hasMessageContaining("needs 'time=<position or header name>'");
        assertThatThrownBy(
                        () -> ColumnMapping.fromOptions(Map.of("user", "0", "item", "1", "time", "2", "colour", "3")))
                .hasMessageContaining("unknown CSV mapping option(s) [colour]");
        assertThatThrownBy(() -> ColumnMapping.fromOptions(
                        Map.of("user", "visitor", "item", "1", "time", "2", "header", "false")))
                .hasMessageContaining("column 'visitor' is given by name but header=false");
        assertThatThrownBy(() -> ColumnMapping.fromOptions(
                        Map.of("user", "0", "item", "1", "time", "2", "default-type", "poke")))
                .hasMessageContaining("got 'poke'");
        assertThatThrownBy(() ->
                        ColumnMapping.fromOptions(Map.of("user", "0", "item", "1", "time", "2", "time-unit", "h")))
                .hasMessageContaining("time-unit must be 's'");
    }

    @Test
    void unknownHeaderNameListsTheHeader() {
        ColumnMapping mapping = ColumnMapping.fromOptions(Map.of("user", "who", "item", "item", "time", "time"));
        assertThatThrownBy(() -> Fixtures.readAll(new CsvDataset("h", Fixtures.path("csv/bad-time.csv"), mapping)))
                .hasMessage("no column named 'who' in the header [user, item, time]");
    }
}
