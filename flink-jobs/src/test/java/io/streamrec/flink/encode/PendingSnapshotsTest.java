package io.streamrec.flink.encode;

import static io.streamrec.flink.encode.BareSnapshots.eventIds;
import static io.streamrec.flink.encode.BareSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PendingSnapshotsTest {

    @Test
    void belowTheBoundEverySnapshotIsKeptInArrivalOrder() {
        PendingSnapshots pending = new PendingSnapshots(4);
        pending.add(snapshot("u1", "a"));
        pending.add(snapshot("u1", "b"));
        pending.add(snapshot("u2", "c"));
        pending.add(snapshot("u1", "d"));

        assertThat(pending.size()).isEqualTo(4);
        assertThat(eventIds(pending.drain())).containsExactly("a", "b", "c", "d");
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void pastTheBoundOnlyEachUsersLatestSnapshotIsKept() {
        PendingSnapshots pending = new PendingSnapshots(4);
        for (String id : List.of("a", "b", "c", "d")) {
            pending.add(snapshot(id.equals("c") ? "u2" : "u1", id));
        }
        pending.add(snapshot("u3", "e"));
        pending.add(snapshot("u2", "f"));

        assertThat(eventIds(pending.view()))
                .as("least recently updated user first")
                .containsExactly("d", "e", "f");
        assertThat(pending.dropped()).isZero();
    }

    @Test
    void moreDistinctUsersThanTheBoundDropTheUserNotSeenForLongest() {
        PendingSnapshots pending = new PendingSnapshots(3);
        for (int u = 1; u <= 5; u++) {
            pending.add(snapshot("u" + u, "e" + u));
        }
        assertThat(eventIds(pending.view())).containsExactly("e3", "e4", "e5");
        assertThat(pending.dropped()).isEqualTo(2);

        pending.drain();
        pending.add(snapshot("u1", "x"));
        pending.add(snapshot("u1", "y"));
        assertThat(eventIds(pending.view()))
                .as("after draining, every snapshot is kept again")
                .containsExactly("x", "y");
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThatThrownBy(() -> new PendingSnapshots(0)).hasMessageContaining("at least 1");
    }
}
