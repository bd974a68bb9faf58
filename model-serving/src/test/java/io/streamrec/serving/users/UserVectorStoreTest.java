package io.streamrec.serving.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.UserVector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserVectorStoreTest {

    @TempDir
    Path dir;

    static UserVector vector(String user, long version, long eventTime, float value) {
        return UserVector.newBuilder()
                .setUserId(user)
                .setModelName("sdm")
                .setModelVersion(version)
                .setEventTime(eventTime)
                .setEventId("e" + eventTime)
                .setInterests(List.of(List.of(value, 0f)))
                .setVector(List.of(value, 0f))
                .setRecentItems(List.of("i" + eventTime))
                .build();
    }

    @Test
    void anOlderVectorNeverReplacesANewerOneWithinABatchOrAcrossBatches() {
        try (UserVectorStore store = new UserVectorStore(dir, 1 << 20, 1 << 20)) {
            store.write(List.of(vector("a", 2, 100, 1f), vector("a", 1, 900, 2f), vector("b", 1, 50, 3f)), Map.of());
            assertThat(store.get("a").vector().getVector().get(0))
                    .as("version beats event time")
                    .isEqualTo(1f);

            int kept = store.write(
                    List.of(vector("a", 2, 99, 4f), vector("b", 1, 60, 5f), vector("b", 1, 55, 6f)), Map.of());

            assertThat(kept).isEqualTo(1);
            assertThat(store.get("a").eventTime()).isEqualTo(100);
            assertThat(store.get("b").vector().getVector().get(0)).isEqualTo(5f);
            assertThat(store.get("b").vector().getRecentItems()).containsExactly("i60");
            assertThat(store.get("nobody")).isNull();
        }
    }

    @Test
    void vectorsAndOffsetsSurviveAReopen() {
        try (UserVectorStore store = new UserVectorStore(dir, 1 << 20, 1 << 20)) {
            assertThat(store.nextOffsets()).isEmpty();
            store.write(List.of(vector("a", 3, 10, 7f)), Map.of(0, 41L, 1, 7L));
            store.write(List.of(), Map.of(0, 42L));
        }
        try (UserVectorStore store = new UserVectorStore(dir, 1 << 20, 1 << 20)) {
            assertThat(store.nextOffsets()).containsExactlyInAnyOrderEntriesOf(Map.of(0, 42L, 1, 7L));
            assertThat(store.get("a").modelVersion()).isEqualTo(3);
            assertThat(store.estimatedUsers()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aStoreFilledFromAnotherTopicStartsAfresh() {
        try (UserVectorStore store = new UserVectorStore(dir, 1 << 20, 1 << 20)) {
            assertThat(store.topicId()).isNull();
            store.resetFor("topic-1");
            store.write(List.of(vector("a", 9, 10, 1f)), Map.of(0, 5L));

            store.resetFor("topic-2");

            assertThat(store.topicId()).isEqualTo("topic-2");
            assertThat(store.get("a")).isNull();
            assertThat(store.nextOffsets()).isEmpty();
            store.write(List.of(vector("a", 1, 10, 2f)), Map.of(0, 1L));
            assertThat(store.get("a").modelVersion())
                    .as("a lower version of the new topic is kept")
                    .isEqualTo(1);
        }
    }
}
