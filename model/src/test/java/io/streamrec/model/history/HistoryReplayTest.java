package io.streamrec.model.history;

import static io.streamrec.model.history.TestEvents.minutes;
import static io.streamrec.model.history.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HistoryReplayTest {
    private final HistoryPolicy policy = HistoryPolicy.defaults();

    private final List<UserEvent> interleaved = List.of(
            view("u1", "e1", "a", minutes(0)).build(),
            view("u2", "e2", "x", minutes(1)).build(),
            view("u1", "e3", "b", minutes(2)).build(),
            view("u2", "e2", "x", minutes(3)).build(),
            view("u1", "e4", "c", minutes(30)).build(),
            view("u2", "e5", "y", minutes(31)).build());

    @Test
    void interleavedUsersReplayAsIfEachWereAlone() {
        List<HistoryStep> steps =
                new HistoryReplay(policy).replay(interleaved.stream()).toList();

        Map<String, List<HistoryStep>> byUser =
                steps.stream().collect(Collectors.groupingBy(s -> s.after().getUserId()));
        for (String user : List.of("u1", "u2")) {
            List<UserEvent> own =
                    interleaved.stream().filter(e -> e.getUserId().equals(user)).toList();
            assertThat(byUser.get(user)).isEqualTo(HistoryReplay.replayUser(policy, own));
        }
        assertThat(byUser.get("u1").get(2).after().getLongTerm().getItem()).containsExactly("a", "b");
    }

    @Test
    void duplicatesAreSkippedAndCounted() {
        HistoryReplay replay = new HistoryReplay(policy);

        long steps = replay.replay(interleaved.stream()).count();

        assertThat(steps).isEqualTo(5);
        assertThat(replay.duplicates()).isEqualTo(1);
        assertThat(replay.users()).isEqualTo(2);
    }

    @Test
    void profilesGivenUpFrontAppearInEveryStep() {
        HistoryReplay replay = new HistoryReplay(policy, List.of(new UserProfile("u2", Map.of("age", "18"), 0L)));

        List<HistoryStep> steps = replay.replay(Stream.of(interleaved.get(1))).toList();

        assertThat(steps.get(0).example().getContext().getProfile()).containsEntry("age", "18");
        assertThat(steps.get(0).after().getProfile()).containsEntry("age", "18");
    }
}
