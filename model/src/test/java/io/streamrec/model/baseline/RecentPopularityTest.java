package io.streamrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentPopularityTest {

    @Test
    void ranksByCountWithinTheWindowTiesByItemId() {
        RecentPopularity popularity = new RecentPopularity(5);
        popularity.record(List.of("x", "b", "a", "b", "c"));
        assertThat(popularity.top(3)).containsExactly("b", "a", "c");
        assertThat(popularity.top(10)).containsExactly("b", "a", "c", "x");
    }

    @Test
    void forgetsTargetsOlderThanTheWindow() {
        RecentPopularity popularity = new RecentPopularity(3);
        popularity.record(List.of("old", "old", "old"));
        popularity.record(List.of("new", "new", "other"));
        assertThat(popularity.top(5)).containsExactly("new", "other");
    }

    @Test
    void writtenWindowReadsBackToTheSameRanking() throws Exception {
        RecentPopularity popularity = new RecentPopularity(4);
        popularity.record(List.of("a", "b", "b", "c", "c", "c"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        popularity.writeTo(new DataOutputStream(bytes));
        RecentPopularity restored = new RecentPopularity(4);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(restored.top(3)).containsExactly("c", "b").isEqualTo(popularity.top(3));
    }
}
