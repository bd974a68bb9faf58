package io.streamrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OnlineItemCfTest {

    private static TrainingExample took(String user, List<String> history, String target) {
        List<Behavior> session = new ArrayList<>();
        for (String item : history) {
            session.add(behaviour(item));
        }
        return new TrainingExample(context(user, session), behaviour(target));
    }

    private static FeatureSnapshot context(String user, List<Behavior> session) {
        return FeatureSnapshot.newBuilder()
                .setUserId(user)
                .setEventId("")
                .setEventTime(0)
                .setSession(session)
                .setLongTerm(LongTermFeatures.newBuilder().build())
                .setSessionStart(0)
                .build();
    }

    private static Behavior behaviour(String item) {
        return Behavior.newBuilder()
                .setEventId(item)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(0)
                .setWeight(1)
                .build();
    }

    @Test
    void similarityFollowsTheSeedsFormulaLearntOneExampleAtATime() {
        OnlineItemCf cf = new OnlineItemCf(0.5, 100);
        // u1 takes a, then b (history {a}); u2 takes a, then b, then c (history {a, b})
        cf.learn(List.of(
                took("u1", List.of(), "a"),
                took("u1", List.of("a"), "b"),
                took("u2", List.of(), "a"),
                took("u2", List.of("a"), "b"),
                took("u2", List.of("a", "b"), "c")));
        // C_ab = 2 · 1/log(2+1); |N(a)| = 2, |N(b)| = 2: w_ab = C_ab / (2^0.5 · 2^0.5)
        double cab = 2 / Math.log(3);
        assertThat(cf.similarity("a", "b")).isCloseTo(cab / 2, within(1e-6));
        assertThat(cf.similarity("b", "a")).isCloseTo(cab / 2, within(1e-6));
        // C_ac = 1/log(2+2); |N(a)| = 2, |N(c)| = 1
        assertThat(cf.similarity("a", "c")).isCloseTo(1 / Math.log(4) / Math.sqrt(2), within(1e-6));
        assertThat(cf.similarity("a", "a")).isZero();
    }

    @Test
    void aRepeatInsideTheHistoryCountsNoNewCoOccurrence() {
        OnlineItemCf cf = new OnlineItemCf(0.5, 100);
        cf.learn(List.of(took("u1", List.of(), "a"), took("u1", List.of("a"), "b")));
        double before = cf.similarity("a", "b");
        cf.learn(List.of(took("u1", List.of("a", "b"), "a")));
        assertThat(cf.similarity("a", "b")).isEqualTo(before);
    }

    @Test
    void recommendsBySummedSimilarityThenFallsBackLeavingOutTheExcluded() {
        OnlineItemCf cf = new OnlineItemCf(0.5, 100);
        cf.learn(List.of(
                took("u1", List.of("a"), "b"),
                took("u2", List.of("a"), "b"),
                took("u3", List.of("a"), "c"),
                took("u4", List.of("x"), "y")));
        FeatureSnapshot afterA = context("u9", List.of(behaviour("a")));
        assertThat(cf.recommend(afterA, 3, Set.of(), List.of("p", "q")))
                .as("b co-occurs with a twice, c once; then the fallback")
                .containsExactly("b", "c", "p");
        assertThat(cf.recommend(afterA, 3, Set.of("b", "p"), List.of("p", "q"))).containsExactly("c", "q");
    }

    @Test
    void aFullRowKeepsItsHeavierCoOccurrences() {
        OnlineItemCf cf = new OnlineItemCf(0.0, 4);
        for (int round = 0; round < 3; round++) {
            cf.learn(List.of(took("u" + round, List.of("a"), "heavy")));
        }
        for (int n = 0; n < 10; n++) {
            cf.learn(List.of(took("v" + n, List.of("a"), "light" + n)));
        }
        assertThat(cf.similarity("a", "heavy")).as("kept through every pruning").isPositive();
        long lightKept = java.util.stream.IntStream.range(0, 10)
                .filter(n -> cf.similarity("a", "light" + n) > 0)
                .count();
        assertThat(lightKept).isLessThan(4);
    }

    @Test
    void writtenStateReadsBackToTheSameRecommendations() throws Exception {
        OnlineItemCf cf = new OnlineItemCf(0.5, 100);
        cf.learn(List.of(
                took("u1", List.of("a"), "b"), took("u2", List.of("a", "b"), "c"), took("u3", List.of("c"), "d")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cf.writeTo(new DataOutputStream(bytes));
        OnlineItemCf restored = new OnlineItemCf(0.5, 100);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        FeatureSnapshot query = context("u9", List.of(behaviour("a"), behaviour("c")));
        assertThat(restored.recommend(query, 5, Set.of(), List.of()))
                .isEqualTo(cf.recommend(query, 5, Set.of(), List.of()))
                .isNotEmpty();
        assertThat(restored.similarity("a", "c")).isEqualTo(cf.similarity("a", "c"));
    }
}
