package io.streamrec.flink.encode;

import static io.streamrec.flink.encode.BareSnapshots.eventIds;
import static io.streamrec.flink.encode.BareSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredSnapshotsTest {

    @Test
    void usersTakeTurnsEachInItsOwnOrder() {
        DeferredSnapshots deferred = new DeferredSnapshots(100);
        for (int i = 0; i < 5; i++) {
            deferred.add(snapshot("burst", "b" + i));
        }
        deferred.add(snapshot("other", "o0"));
        deferred.add(snapshot("other", "o1"));
        assertThat(deferred.holds("burst")).isTrue();
        assertThat(deferred.holds("nobody")).isFalse();

        List<FeatureSnapshot> batch = new ArrayList<>();
        deferred.takeInto(batch, 5, 2);
        assertThat(eventIds(batch)).containsExactly("b0", "b1", "o0", "o1", "b2");
        assertThat(deferred.holds("other")).as("an emptied user leaves").isFalse();
        assertThat(eventIds(deferred.view())).containsExactly("b3", "b4");

        batch.clear();
        deferred.takeInto(batch, 10, 10);
        assertThat(eventIds(batch)).containsExactly("b3", "b4");
        assertThat(deferred.isEmpty()).isTrue();
        assertThat(deferred.superseded()).isZero();
    }

    @Test
    void pastTheBoundAWaitingUsersNewestSnapshotSupersedesItsOlderOnes() {
        DeferredSnapshots deferred = new DeferredSnapshots(4);
        deferred.add(snapshot("burst", "b0"));
        deferred.add(snapshot("burst", "b1"));
        deferred.add(snapshot("other", "o0"));
        deferred.add(snapshot("burst", "b2"));
        assertThat(deferred.size()).isEqualTo(4);
        assertThat(deferred.superseded()).isZero();

        deferred.add(snapshot("burst", "b3"));
        assertThat(eventIds(deferred.view())).containsExactly("b3", "o0");
        assertThat(deferred.superseded()).isEqualTo(3);

        deferred.add(snapshot("newcomer", "n0"));
        assertThat(eventIds(deferred.view()))
                .as("below the bound again: every snapshot is kept")
                .containsExactly("b3", "o0", "n0");
    }
}
