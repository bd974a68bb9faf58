package io.streamrec.model.history;

import static io.streamrec.model.history.TestEvents.at;
import static io.streamrec.model.history.TestEvents.days;
import static io.streamrec.model.history.TestEvents.minutes;
import static io.streamrec.model.history.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserHistoryTest {
    private final HistoryPolicy policy = HistoryPolicy.defaults();
    private final UserHistory history = new UserHistory();

    private HistoryStep apply(UserEvent event) {
        return history.apply(event, policy).orElseThrow();
    }

    private static List<String> sessionItems(FeatureSnapshot s) {
        return s.getSession().stream().map(Behavior::getItemId).toList();
    }

    @Nested
    class Sessions {
        @Test
        void eventsWithinTheGapShareASession() {
            apply(at("e1", "a", minutes(0)));
            HistoryStep step = apply(at("e2", "b", minutes(10)));

            assertThat(step.closedSession()).isFalse();
            assertThat(sessionItems(step.after())).containsExactly("a", "b");
            assertThat(step.after().getSessionStart()).isEqualTo(minutes(0));
            assertThat(step.after().getLongTerm().getItem()).isEmpty();
        }

        @Test
        void aGapLongerThanTheMaximumStartsANewSession() {
            apply(at("e1", "a", minutes(0)));
            HistoryStep step = apply(at("e2", "b", minutes(10) + 1));

            assertThat(step.closedSession()).isTrue();
            assertThat(sessionItems(step.after())).containsExactly("b");
            assertThat(step.after().getSessionStart()).isEqualTo(minutes(10) + 1);
            assertThat(step.after().getSessionsClosed()).isEqualTo(1);
            assertThat(step.after().getLongTerm().getItem()).containsExactly("a");
        }

        @Test
        void aChangedSessionIdStartsANewSessionEvenWithinTheGap() {
            apply(view("u1", "e1", "a", minutes(0)).setSessionId("s1").build());
            HistoryStep same =
                    apply(view("u1", "e2", "b", minutes(1)).setSessionId("s1").build());
            HistoryStep changed =
                    apply(view("u1", "e3", "c", minutes(2)).setSessionId("s2").build());

            assertThat(same.closedSession()).isFalse();
            assertThat(changed.closedSession()).isTrue();
            assertThat(sessionItems(changed.after())).containsExactly("c");
            assertThat(changed.after().getLongTerm().getItem()).containsExactly("a", "b");
        }

        @Test
        void anEventWithoutSessionIdContinuesTheSessionWithinTheGap() {
            apply(view("u1", "e1", "a", minutes(0)).setSessionId("s1").build());
            HistoryStep step = apply(at("e2", "b", minutes(1)));

            assertThat(step.closedSession()).isFalse();
        }

        @Test
        void aFullSessionEndsBeforeTheNextItem() {
            HistoryPolicy small =
                    policy.toBuilder().set(HistoryPolicy.MAX_SESSION_ITEMS, 3).build();
            for (int i = 0; i < 3; i++) {
                history.apply(at("e" + i, "i" + i, minutes(i)), small).orElseThrow();
            }
            HistoryStep fourth =
                    history.apply(at("e3", "i3", minutes(3)), small).orElseThrow();

            assertThat(fourth.closedSession()).isTrue();
            assertThat(sessionItems(fourth.after())).containsExactly("i3");
            assertThat(fourth.after().getLongTerm().getItem()).containsExactly("i0", "i1", "i2");
        }

        @Test
        void theDefaultSessionHoldsFiftyItems() {
            for (int i = 0; i < 50; i++) {
                apply(at("e" + i, "i" + i, minutes(0) + i));
            }
            assertThat(history.sessionLength()).isEqualTo(50);

            assertThat(apply(at("e50", "i50", minutes(0) + 50)).closedSession()).isTrue();
        }
    }

    @Nested
    class LongTerm {
        @Test
        void eachFeatureKeepsTheIdsItHasAndSkipsMissingOnes() {
            apply(view("u1", "e1", "a", minutes(0))
                    .setShopId("shop1")
                    .setBrandId("brand1")
                    .build());
            apply(view("u1", "e2", "b", minutes(1)).setLeafCategoryId("leaf2").build());
            FeatureSnapshot after = apply(at("e3", "c", minutes(60))).after();

            assertThat(after.getLongTerm().getItem()).containsExactly("a", "b");
            assertThat(after.getLongTerm().getCategory()).containsExactly("c-a", "c-b");
            assertThat(after.getLongTerm().getLeafCategory()).containsExactly("leaf2");
            assertThat(after.getLongTerm().getShop()).containsExactly("shop1");
            assertThat(after.getLongTerm().getBrand()).containsExactly("brand1");
        }

        @Test
        void aRepeatedIdIsKeptOnceAsItsMostRecentSighting() {
            apply(view("u1", "e1", "a", minutes(0)).setShopId("s").build());
            apply(view("u1", "e2", "b", minutes(1)).setShopId("s").build());
            apply(view("u1", "e3", "a", minutes(60)).setShopId("s").build());
            FeatureSnapshot after = apply(at("e4", "c", minutes(120))).after();

            assertThat(after.getLongTerm().getItem()).containsExactly("b", "a");
            assertThat(after.getLongTerm().getShop()).containsExactly("s");
        }

        @Test
        void eachFeatureIsBoundedToItsMostRecentIds() {
            HistoryPolicy bounded = policy.toBuilder()
                    .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 3)
                    .build();
            for (int i = 0; i < 5; i++) {
                history.apply(at("e" + i, "i" + i, minutes(i)), bounded).orElseThrow();
            }
            FeatureSnapshot after = history.apply(at("e5", "x", minutes(60)), bounded)
                    .orElseThrow()
                    .after();

            assertThat(after.getLongTerm().getItem()).containsExactly("i2", "i3", "i4");
            assertThat(after.getLongTerm().getCategory()).containsExactly("c-i2", "c-i3", "c-i4");
            assertThat(history.longTermSize(Feature.ITEM)).isEqualTo(3);
        }

        @Test
        void sessionsOlderThanTheRetentionBeforeTheCurrentSessionAreNotShown() {
            apply(at("e1", "old", days(0)));
            apply(at("e2", "recent", days(5)));
            FeatureSnapshot within = apply(at("e3", "now", days(7))).after();
            FeatureSnapshot beyond = apply(
                            at("e4", "later", days(7) + Duration.ofHours(1).toMillis()))
                    .after();

            assertThat(within.getLongTerm().getItem()).containsExactly("old", "recent");
            assertThat(beyond.getLongTerm().getItem()).containsExactly("recent", "now");
            assertThat(history.longTermSize(Feature.ITEM))
                    .as("expired entries are dropped, not hidden")
                    .isEqualTo(2);
        }

        @Test
        void aSessionSpanningTheRetentionKeepsItsViewUntilItEnds() {
            apply(at("e1", "old", days(0)));
            apply(at("e2", "s1", days(7) - 60_000));
            // the session that started 1 min before day 7 continues past day 7 within the gap
            FeatureSnapshot after = apply(at("e3", "s2", days(7) + 60_000)).after();

            assertThat(after.getLongTerm().getItem()).containsExactly("old");
        }
    }

    @Nested
    class Snapshots {
        @Test
        void theExampleCarriesTheStateBeforeAndTheEventAsTarget() {
            HistoryStep first = apply(at("e1", "a", minutes(0)));
            HistoryStep second =
                    apply(view("u1", "e2", "b", minutes(1)).setEventType("buy").build());

            assertThat(first.example().getContext().getSession()).isEmpty();
            assertThat(first.example().getContext().getEventId()).isEmpty();
            assertThat(second.example().getContext()).isEqualTo(first.after());
            assertThat(second.example().getTarget().getItemId()).isEqualTo("b");
            assertThat(second.example().getTarget().getWeight()).isEqualTo(4.0);
            assertThat(second.after().getEventId()).isEqualTo("e2");
            assertThat(second.after().getEventTime()).isEqualTo(minutes(1));
            assertThat(second.after().getUserId()).isEqualTo("u1");
        }

        @Test
        void theContextIsAgedToTheEventTime() {
            apply(at("e1", "old", days(0)));
            FeatureSnapshot afterRecent = apply(at("e2", "recent", days(5))).after();
            // 3 days later: the session ends by gap and "old" is beyond the retention of the event time
            HistoryStep step = apply(at("e3", "now", days(8)));

            assertThat(afterRecent.getLongTerm().getItem()).containsExactly("old");
            assertThat(step.example().getContext().getLongTerm().getItem()).isEmpty();
            assertThat(sessionItems(step.example().getContext())).containsExactly("recent");
        }

        @Test
        void snapshotsDoNotShareMutableListsWithTheState() {
            FeatureSnapshot after = apply(at("e1", "a", minutes(0))).after();
            apply(at("e2", "b", minutes(1)));

            assertThat(sessionItems(after)).containsExactly("a");
        }

        @Test
        void theLatestProfileIsCarried() {
            assertThat(history.updateProfile(new UserProfile("u1", Map.of("age", "30-39"), 10L)))
                    .isTrue();
            assertThat(history.updateProfile(new UserProfile("u1", Map.of("age", "20-29"), 5L)))
                    .as("an older profile is ignored")
                    .isFalse();

            FeatureSnapshot after = apply(at("e1", "a", minutes(0))).after();

            assertThat(after.getProfile()).containsExactly(Map.entry("age", "30-39"));
        }
    }

    @Nested
    class DedupAndOrder {
        @Test
        void aRepeatedEventIdChangesNothing() {
            FeatureSnapshot before = apply(at("e1", "a", minutes(0))).after();

            assertThat(history.apply(at("e1", "a", minutes(1)), policy)).isEmpty();
            assertThat(history.snapshot("u1")).isEqualTo(before);
        }

        @Test
        void dedupMemoryIsBounded() {
            HistoryPolicy forgetful =
                    policy.toBuilder().set(HistoryPolicy.DEDUP_MEMORY, 2).build();
            history.apply(at("e1", "a", minutes(0)), forgetful).orElseThrow();
            history.apply(at("e2", "b", minutes(1)), forgetful).orElseThrow();
            history.apply(at("e3", "c", minutes(2)), forgetful).orElseThrow();

            assertThat(history.apply(at("e1", "a", minutes(3)), forgetful))
                    .as("forgotten")
                    .isPresent();
            assertThat(history.apply(at("e3", "c", minutes(3)), forgetful))
                    .as("remembered")
                    .isEmpty();
        }

        @Test
        void anEventOlderThanTheLastIsRefused() {
            apply(at("e1", "a", minutes(5)));

            assertThatThrownBy(() -> history.apply(at("e2", "b", minutes(4)), policy))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("event-time order");
        }

        @Test
        void equalTimestampsAreInOrder() {
            apply(at("e1", "a", minutes(5)));

            assertThat(sessionItems(apply(at("e2", "b", minutes(5))).after())).containsExactly("a", "b");
        }
    }

    @Nested
    class Expiry {
        @Test
        void anIdleHistoryLapsesAndKeepsOnlyTheProfile() {
            history.updateProfile(new UserProfile("u1", Map.of("g", "f"), 1L));
            apply(at("e1", "a", days(0)));
            apply(at("e2", "b", days(1)));

            assertThat(history.lapsesAt(policy)).isEqualTo(days(8));
            assertThat(history.expire(days(8) - 1, policy)).isFalse();
            assertThat(history.expire(days(8), policy)).isTrue();
            assertThat(history.hasEvents()).isFalse();
            assertThat(history.isEmpty()).isFalse();
            assertThat(history.snapshot("u1").getSessionsClosed()).isZero();
            assertThat(history.snapshot("u1").getProfile()).containsEntry("g", "f");
        }

        @Test
        void anEventAfterTheLapseStartsOverEvenWithoutExpiry() {
            apply(at("e1", "a", days(0)));
            apply(at("e2", "b", days(1)));
            HistoryStep step = apply(at("e1", "a", days(9)));

            assertThat(step.example().getContext().getSession()).isEmpty();
            assertThat(step.after().getLongTerm().getItem()).isEmpty();
            assertThat(step.after().getSessionsClosed()).isZero();
        }

        @Test
        void expiryPrunesOnlyWhatNoLaterSnapshotShows() {
            apply(at("e1", "old", days(0)));
            apply(at("e2", "mid", days(3)));
            apply(at("e3", "new", days(6)));

            assertThat(history.expire(days(8), policy)).isFalse();
            // an event after day 8 starts a new session whose window begins after day 1
            assertThat(history.longTermSize(Feature.ITEM)).isEqualTo(1);
            assertThat(apply(at("e4", "x", days(8) + 1)).after().getLongTerm().getItem())
                    .containsExactly("mid", "new");
        }

        @Test
        void expiryKeepsTheWindowOfASessionThatMayContinue() {
            apply(at("e1", "old", days(0)));
            apply(at("e2", "s", days(7) - 60_000));

            history.expire(days(7) + 60_000, policy);

            assertThat(history.longTermSize(Feature.ITEM)).isEqualTo(1);
        }

        /**
         * The operator runs expiry whenever a timer fires; replay never does. Snapshots must not tell the
         * difference, for any interleaving of events and watermarks.
         */
        @Test
        void snapshotsDoNotDependOnWhenExpiryRuns() {
            HistoryPolicy tight = HistoryPolicy.builder()
                    .set(HistoryPolicy.SESSION_GAP, Duration.ofMinutes(10))
                    .set(HistoryPolicy.MAX_SESSION_ITEMS, 5)
                    .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofHours(6))
                    .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 8)
                    .build();
            Random random = new Random(7);
            for (int run = 0; run < 50; run++) {
                UserHistory withExpiry = new UserHistory();
                UserHistory without = new UserHistory();
                long time = TestEvents.T0;
                for (int i = 0; i < 200; i++) {
                    long pause = random.nextInt(4) == 0 ? random.nextInt(12 * 3_600_000) : random.nextInt(15 * 60_000);
                    long next = time + pause;
                    if (random.nextBoolean() && next > time) {
                        withExpiry.expire(time + random.nextInt((int) (next - time)), tight);
                    }
                    time = next;
                    UserEvent event = view("u1", "e" + i, "i" + random.nextInt(30), time)
                            .setShopId("s" + random.nextInt(10))
                            .build();
                    List<HistoryStep> steps = new ArrayList<>();
                    withExpiry.apply(event, tight).ifPresent(steps::add);
                    without.apply(event, tight).ifPresent(steps::add);

                    assertThat(steps).hasSize(2);
                    assertThat(steps.get(0)).as("run %d event %d", run, i).isEqualTo(steps.get(1));
                }
            }
        }
    }
}
