package io.streamrec.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.deadletter.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator on a RocksDB keyed-state backend, driven by Flink's two-input test harness. */
class UserStateOperatorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final int MAX_PARALLELISM = 128;

    private UserStateOperator operator;
    private KeyedTwoInputStreamOperatorTestHarness<String, SourcedEvent, UserProfile, FeatureSnapshot> harness;
    private long offset;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void start(HistoryPolicy policy) throws Exception {
        start(policy, null);
    }

    private void start(HistoryPolicy policy, OperatorSubtaskState restored) throws Exception {
        start(policy, JobOptions.MAX_WAITING_EVENTS.defaultValue(), restored, 1, 0);
    }

    private void start(
            HistoryPolicy policy, int maxWaitingEvents, OperatorSubtaskState restored, int parallelism, int subtask)
            throws Exception {
        start(policy, maxWaitingEvents, restored, parallelism, subtask, ApplyOrder.EVENT_TIME);
    }

    private void start(
            HistoryPolicy policy,
            int maxWaitingEvents,
            OperatorSubtaskState restored,
            int parallelism,
            int subtask,
            ApplyOrder applyOrder)
            throws Exception {
        operator = new UserStateOperator(policy, maxWaitingEvents, applyOrder);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                operator,
                e -> e.getEvent().getUserId(),
                UserProfile::getUserId,
                Types.STRING,
                MAX_PARALLELISM,
                parallelism,
                subtask);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private static UserEvent.Builder event(String user, String eventId, String item, long time) {
        return UserEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(time)
                .setCategoryId("c-" + item);
    }

    private void send(UserEvent.Builder event) throws Exception {
        UserEvent e = event.build();
        SourcedEvent sourced = new SourcedEvent(
                e, ByteBuffer.wrap(("raw-" + e.getEventId()).getBytes(StandardCharsets.UTF_8)), "events", 3, offset++);
        harness.processElement1(new StreamRecord<>(sourced, e.getTimestamp()));
    }

    private void send(String eventId, String item, long time) throws Exception {
        send(event("u1", eventId, item, time));
    }

    private void watermark(long time) throws Exception {
        harness.processWatermark1(new Watermark(time));
    }

    private List<FeatureSnapshot> snapshots() {
        return harness.extractOutputValues();
    }

    private FeatureSnapshot lastSnapshot() {
        List<FeatureSnapshot> all = snapshots();
        return all.get(all.size() - 1);
    }

    private List<String> appliedEventIds() {
        return snapshots().stream().map(FeatureSnapshot::getEventId).toList();
    }

    private List<TrainingExample> examples() {
        return harness.getSideOutput(UserStateOperator.TRAINING_EXAMPLES).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    private List<DeadLetter> deadLetters() {
        var queue = harness.getSideOutput(UserStateOperator.DEAD_LETTERS);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).toList();
    }

    private static List<String> sessionItems(FeatureSnapshot s) {
        return s.getSession().stream().map(Behavior::getItemId).toList();
    }

    /** Keys with an entry in the operator's RocksDB state. */
    private long usersWithStoredState() throws Exception {
        try (var keys = harness.getOperator()
                .getKeyedStateBackend()
                .getKeys(UserStateOperator.HISTORY_STATE, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Test
    void anEventIsAppliedOnceTheWatermarkPassesIt() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        watermark(T0 - 1);
        assertThat(snapshots()).isEmpty();

        watermark(T0);

        assertThat(appliedEventIds()).containsExactly("e1");
        assertThat(lastSnapshot().getUserId()).isEqualTo("u1");
        assertThat(examples()).singleElement().satisfies(example -> {
            assertThat(example.getContext().getSession()).isEmpty();
            assertThat(example.getTarget().getItemId()).isEqualTo("a");
        });
        assertThat(operator.metrics().eventsApplied.getCount()).isEqualTo(1);
    }

    @Test
    void eventsWithinTheLatenessAreAppliedInEventTimeOrder() throws Exception {
        start(HistoryPolicy.defaults());
        send("e3", "c", T0 + 3 * MINUTE);
        send("e1", "a", T0 + MINUTE);
        send("e2", "b", T0 + 2 * MINUTE);
        send("e2b", "b2", T0 + 2 * MINUTE);

        watermark(T0 + 3 * MINUTE);

        assertThat(appliedEventIds()).containsExactly("e1", "e2", "e2b", "e3");
        assertThat(sessionItems(lastSnapshot())).containsExactly("a", "b", "b2", "c");
        assertThat(examples().get(3).getContext()).isEqualTo(snapshots().get(2));
    }

    @Test
    void onlyDueEventsAreAppliedAndTheRestWait() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0 + MINUTE);
        send("e2", "b", T0 + 5 * MINUTE);

        watermark(T0 + 2 * MINUTE);
        assertThat(appliedEventIds()).containsExactly("e1");

        watermark(T0 + 5 * MINUTE);
        assertThat(appliedEventIds()).containsExactly("e1", "e2");
    }

    @Test
    void anEventBehindTheWatermarkIsDeadLetteredAsLate() throws Exception {
        start(HistoryPolicy.defaults());
        watermark(T0 + MINUTE);

        send("e1", "a", T0 + MINUTE);
        watermark(T0 + 10 * MINUTE);

        assertThat(snapshots()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(dl -> {
            assertThat(dl.getReason()).isEqualTo(DeadLetters.LATE).isEqualTo("late");
            assertThat(dl.getReasons()).singleElement().asString().contains("behind the watermark");
            assertThat(dl.getKey()).isEqualTo("u1");
            assertThat(StandardCharsets.UTF_8.decode(dl.getPayload()).toString())
                    .isEqualTo("raw-e1");
            assertThat(dl.getSourceTopic()).isEqualTo("events");
            assertThat(dl.getPartition()).isEqualTo(3);
            assertThat(dl.getOffset()).isZero();
        });
        assertThat(operator.metrics().lateEvents.getCount()).isEqualTo(1);
    }

    @Test
    void profileWatermarksNeverMoveEventTime() throws Exception {
        start(HistoryPolicy.defaults());
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));

        send("e1", "a", T0);

        assertThat(deadLetters())
                .as("the profile input's watermark does not make events late")
                .isEmpty();
        assertThat(snapshots()).as("nor does it release waiting events").isEmpty();
        watermark(T0);
        assertThat(appliedEventIds()).containsExactly("e1");
    }

    @Test
    void anIdleEventInputHoldsEventTimeWhereItWas() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        watermark(T0);
        // the event source goes quiet while a finished (or never-holding-back) profile input sits at +inf
        harness.processWatermarkStatus1(WatermarkStatus.IDLE);
        harness.processWatermark2(new Watermark(Long.MAX_VALUE));
        harness.processWatermarkStatus1(WatermarkStatus.ACTIVE);

        send("e2", "b", T0 + MINUTE);
        watermark(T0 + MINUTE);

        assertThat(deadLetters()).isEmpty();
        assertThat(appliedEventIds()).containsExactly("e1", "e2");
        assertThat(sessionItems(lastSnapshot()))
                .as("the user's state survived the quiet spell")
                .containsExactly("a", "b");
    }

    @Test
    void aRepeatedEventIdIsDeadLetteredAsDuplicate() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        send("e1", "a", T0);
        watermark(T0);
        // a re-send with a newer timestamp is caught by the dedup memory of applied events
        send("e1", "a", T0 + MINUTE);
        watermark(T0 + MINUTE);

        assertThat(appliedEventIds()).containsExactly("e1");
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly("duplicate", "duplicate");
        assertThat(deadLetters()).extracting(DeadLetter::getOffset).containsExactly(1L, 2L);
        assertThat(operator.metrics().duplicateEvents.getCount()).isEqualTo(2);
    }

    @Test
    void aGapLongerThanTheMaximumStartsANewSession() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        send("e2", "b", T0 + 10 * MINUTE);
        send("e3", "c", T0 + 20 * MINUTE + 1);
        watermark(T0 + 30 * MINUTE);

        assertThat(sessionItems(snapshots().get(1))).containsExactly("a", "b");
        assertThat(sessionItems(lastSnapshot())).containsExactly("c");
        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("a", "b");
        assertThat(operator.metrics().sessionsClosed.getCount()).isEqualTo(1);
    }

    @Test
    void aChangedSessionIdStartsANewSession() throws Exception {
        start(HistoryPolicy.defaults());
        send(event("u1", "e1", "a", T0).setSessionId("s1"));
        send(event("u1", "e2", "b", T0 + MINUTE).setSessionId("s2"));
        watermark(T0 + MINUTE);

        assertThat(sessionItems(lastSnapshot())).containsExactly("b");
        assertThat(lastSnapshot().getSessionsClosed()).isEqualTo(1);
    }

    @Test
    void aFullSessionEndsAtTheConfiguredSize() throws Exception {
        start(HistoryPolicy.builder().set(HistoryPolicy.MAX_SESSION_ITEMS, 2).build());
        send("e1", "a", T0);
        send("e2", "b", T0 + 1);
        send("e3", "c", T0 + 2);
        watermark(T0 + 2);

        assertThat(sessionItems(lastSnapshot())).containsExactly("c");
        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("a", "b");
    }

    @Test
    void longTermIsBoundedPerFeature() throws Exception {
        start(HistoryPolicy.builder()
                .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 2)
                .build());
        for (int i = 0; i < 4; i++) {
            send(event("u1", "e" + i, "i" + i, T0 + i * MINUTE).setShopId("shop" + (i % 3)));
        }
        send("e9", "x", T0 + DAY);
        watermark(T0 + DAY);

        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("i2", "i3");
        assertThat(lastSnapshot().getLongTerm().getShop()).containsExactly("shop2", "shop0");
    }

    @Test
    void sessionsOlderThanSevenDaysLeaveTheLongTermHistory() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "old", T0);
        send("e2", "recent", T0 + 3 * DAY);
        send("e3", "now", T0 + 6 * DAY);
        watermark(T0 + 6 * DAY);
        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("old", "recent");

        send("e4", "later", T0 + 8 * DAY);
        watermark(T0 + 8 * DAY);

        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("recent", "now");
    }

    @Test
    void anIdleUsersStateIsClearedByOneCoalescedTimer() throws Exception {
        start(HistoryPolicy.defaults());
        long step = UserStateOperator.CLEANUP_RESOLUTION_MILLIS / 4; // u1's events span five timer steps
        for (int i = 0; i < 20; i++) {
            send("e" + i, "i" + i, T0 + i * step);
        }
        long u1LastEvent = T0 + 19 * step;
        send(event("u2", "x1", "a", T0));
        watermark(u1LastEvent);

        assertThat(harness.numEventTimeTimers())
                .as("one cleanup timer per user")
                .isEqualTo(2);
        assertThat(usersWithStoredState()).isEqualTo(2);
        assertThat(operator.metrics().usersWithState()).isEqualTo(2);

        // a timer fires within one step of the lapse
        watermark(T0 + 7 * DAY + UserStateOperator.CLEANUP_RESOLUTION_MILLIS);
        assertThat(usersWithStoredState())
                .as("u1 is still within 7 days of its last event")
                .isEqualTo(1);

        watermark(u1LastEvent + 7 * DAY + UserStateOperator.CLEANUP_RESOLUTION_MILLIS);
        assertThat(usersWithStoredState()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(operator.metrics().usersWithState()).isZero();
    }

    @Test
    void theProfileIsJoinedAndOutlivesTheLapsedHistory() throws Exception {
        start(HistoryPolicy.defaults());
        harness.processElement2(new StreamRecord<>(new UserProfile("u1", Map.of("age", "25-34"), 1L)));
        harness.processElement2(new StreamRecord<>(new UserProfile("u1", Map.of("age", "old"), 0L)));
        send("e1", "a", T0);
        watermark(T0);
        assertThat(lastSnapshot().getProfile()).containsExactly(Map.entry("age", "25-34"));

        watermark(T0 + 8 * DAY);
        send("e2", "b", T0 + 9 * DAY);
        watermark(T0 + 9 * DAY);

        assertThat(usersWithStoredState()).isEqualTo(1);
        assertThat(lastSnapshot().getProfile()).containsExactly(Map.entry("age", "25-34"));
        assertThat(lastSnapshot().getLongTerm().getItem()).isEmpty();
    }

    @Test
    void stateSurvivesASnapshotAndRestore() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        harness.processElement2(new StreamRecord<>(new UserProfile("u1", Map.of("age", "25-34"), 1L)));
        send("e1", "a", T0);
        send("e2", "b", T0 + 30 * MINUTE);
        watermark(T0 + 30 * MINUTE);
        send("e3", "c", T0 + 31 * MINUTE);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, T0);
        harness.close();

        start(policy, checkpoint);
        send("e2", "b", T0 + 32 * MINUTE);
        watermark(T0 + 32 * MINUTE);

        assertThat(appliedEventIds()).as("the waiting event was restored").containsExactly("e3");
        assertThat(deadLetters())
                .as("the dedup memory was restored")
                .extracting(DeadLetter::getReason)
                .containsExactly("duplicate");
        assertThat(sessionItems(lastSnapshot())).containsExactly("b", "c");
        assertThat(lastSnapshot().getLongTerm().getItem()).containsExactly("a");
        assertThat(lastSnapshot().getProfile()).containsEntry("age", "25-34");
        assertThat(operator.metrics().usersWithState()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers())
                .as("the cleanup timer was restored")
                .isEqualTo(1);
    }

    @Test
    void onlyAUserWithoutStateSkipsTheStateRead() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        send("e1", "a", T0);
        watermark(T0);
        send("e2", "b", T0 + MINUTE);
        watermark(T0 + MINUTE);

        assertThat(operator.metrics().historyReadsSkipped.getCount())
                .as("only the first event finds no history")
                .isEqualTo(1);
        assertThat(sessionItems(lastSnapshot()))
                .as("the second event read the stored history")
                .containsExactly("a", "b");
    }

    @Test
    void aRestoredOperatorKnowsItsUsersAgain() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        send("e1", "a", T0);
        watermark(T0);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, T0);
        harness.close();

        start(policy, checkpoint);
        send("e2", "b", T0 + MINUTE);
        watermark(T0 + MINUTE);

        assertThat(operator.metrics().historyReadsSkipped.getCount())
                .as("the restored user is read, not skipped")
                .isZero();
        assertThat(sessionItems(lastSnapshot())).containsExactly("a", "b");
    }

    @Test
    void usersDueAtOneWatermarkAreAppliedInTheOrderRocksDbKeepsTheirState() throws Exception {
        start(HistoryPolicy.defaults());
        for (int i = 0; i < 60; i++) { // arrival and event time both against the key order
            send(event("user-" + (997 * i % 1_000), "e" + i, "i" + i, T0 + 60 - i));
        }
        watermark(T0 + 60);

        List<String> stored;
        try (var keys = harness.getOperator()
                .getKeyedStateBackend()
                .getKeys(UserStateOperator.HISTORY_STATE, VoidNamespace.INSTANCE)) {
            stored = keys.map(String::valueOf).toList();
        }
        assertThat(snapshots())
                .extracting(FeatureSnapshot::getUserId)
                .hasSize(60)
                .containsExactlyElementsOf(stored);
    }

    @Test
    void eachUserKeepsItsOwnHistory() throws Exception {
        start(HistoryPolicy.defaults());
        send(event("u1", "e1", "a", T0));
        send(event("u2", "e2", "x", T0 + 1));
        send(event("u1", "e3", "b", T0 + 2));
        watermark(T0 + 2);

        var byUser = snapshots().stream().collect(Collectors.groupingBy(FeatureSnapshot::getUserId));
        assertThat(sessionItems(byUser.get("u1").get(1))).containsExactly("a", "b");
        assertThat(sessionItems(byUser.get("u2").get(0))).containsExactly("x");
    }

    @Test
    void aLapsedUsersNextEventOutlivesTheCleanupTimerDueInTheSameWatermark() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        watermark(T0);
        send("e2", "b", T0 + 8 * DAY); // the cleanup timer for e1 (7 days) is due at this same watermark
        watermark(T0 + 8 * DAY);

        assertThat(usersWithStoredState())
                .as("the new history is not cleared by the old timer")
                .isEqualTo(1);
        assertThat(sessionItems(lastSnapshot())).containsExactly("b");
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        watermark(T0 + 15 * DAY + UserStateOperator.CLEANUP_RESOLUTION_MILLIS);
        assertThat(usersWithStoredState()).isZero();
        assertThat(operator.metrics().usersWithState()).isZero();
    }

    @Test
    void aProfileArrivingAfterTheEventsOutlivesTheLapsedHistory() throws Exception {
        start(HistoryPolicy.defaults());
        send("e1", "a", T0);
        watermark(T0);
        harness.processElement2(new StreamRecord<>(new UserProfile("u1", Map.of("age", "25-34"), 1L)));
        watermark(T0 + 8 * DAY);

        assertThat(usersWithStoredState()).as("only the profile is left").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();
        send("e2", "b", T0 + 9 * DAY);
        watermark(T0 + 9 * DAY);
        assertThat(lastSnapshot().getProfile()).containsExactly(Map.entry("age", "25-34"));
        assertThat(lastSnapshot().getLongTerm().getItem()).isEmpty();
    }

    @Test
    void eventsWithTheSameTimeKeepTheirArrivalOrderAcrossARestore() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        for (String item : List.of("c", "a", "d", "b")) {
            send("e-" + item, item, T0);
        }
        OperatorSubtaskState checkpoint = harness.snapshot(1L, T0);
        harness.close();

        start(policy, checkpoint);
        watermark(T0);

        assertThat(sessionItems(lastSnapshot())).containsExactly("c", "a", "d", "b");
    }

    @Test
    void aCheckpointHandsTheWaitingEventsOverWithoutSerializingThemOnTheTaskThread() {
        assertThat(WaitingKeyGroupSerializer.INSTANCE.isImmutableType())
                .as("Flink's synchronous phase deep-copies operator list state unless its elements are immutable")
                .isTrue();
        WaitingKeyGroup group = new WaitingKeyGroup(7, List.of());
        assertThat(WaitingKeyGroupSerializer.INSTANCE.copy(group)).isSameAs(group);
    }

    @Test
    void aSecondCheckpointHoldsOnlyWhatStillWaits() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        send("e1", "a", T0);
        send(event("u2", "x1", "x", T0 + 1));
        harness.snapshot(1L, T0);
        watermark(T0 + 1);
        send("e2", "b", T0 + 5);
        OperatorSubtaskState second = harness.snapshot(2L, T0);
        harness.close();

        start(policy, second);
        watermark(T0 + 10);

        assertThat(appliedEventIds())
                .as("events applied before the second checkpoint are not applied again")
                .containsExactly("e2");
        assertThat(sessionItems(lastSnapshot())).containsExactly("a", "b");
    }

    @Test
    void waitingEventsFollowTheirKeysWhenTheJobRescales() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        int users = 40;
        for (int u = 0; u < users; u++) {
            send(event("u" + u, "e" + u, "i" + u, T0 + u));
        }
        OperatorSubtaskState atParallelismOne = harness.snapshot(1L, T0);
        harness.close();

        List<String> applied = new java.util.ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            start(
                    policy,
                    JobOptions.MAX_WAITING_EVENTS.defaultValue(),
                    org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            atParallelismOne, MAX_PARALLELISM, 1, 2, subtask),
                    2,
                    subtask);
            watermark(T0 + users);
            List<String> mine = appliedEventIds();
            assertThat(mine)
                    .as("subtask %d restores a share of the keys", subtask)
                    .isNotEmpty()
                    .hasSizeLessThan(users);
            applied.addAll(mine);
            harness.close();
        }
        harness = null;
        assertThat(applied)
                .as("every waiting event comes back exactly once")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, users)
                        .mapToObj(u -> "e" + u)
                        .toList());
    }

    @Test
    void aFullBufferAppliesItsEarliestEventsAndLaterStragglersAreLate() throws Exception {
        start(HistoryPolicy.defaults(), 10, null, 1, 0);
        for (int i = 0; i < 11; i++) { // the watermark never comes: the 11th event overflows the buffer
            send(event("u" + i % 3, "e" + i, "i" + i, T0 + i * 1_000));
        }
        assertThat(appliedEventIds())
                .as("the earliest tenth is applied before any watermark (users u0, u1)")
                .containsExactlyInAnyOrder("e0", "e1");
        assertThat(operator.metrics().eventsReleasedEarly.getCount()).isEqualTo(2);

        send(event("u0", "straggler", "s", T0 + 500));
        send(event("u1", "fine", "f", T0 + 20_000));
        watermark(T0 + 60_000);

        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("late");
            assertThat(d.getReasons())
                    .singleElement()
                    .asString()
                    .contains("behind events applied early because the waiting buffer was full, up to " + (T0 + 1_000));
        });
        assertThat(appliedEventIds())
                .as("no accepted event is lost")
                .hasSize(12)
                .doesNotContain("straggler");
        assertThat(operator.metrics().lateEvents.getCount()).isEqualTo(1);
    }

    @Test
    void anEventBehindItsUsersLastAppliedOneAfterARestoreIsLateNotAFailure() throws Exception {
        HistoryPolicy policy = HistoryPolicy.defaults();
        start(policy);
        send("e1", "a", T0 + MINUTE);
        watermark(T0 + MINUTE);
        OperatorSubtaskState checkpoint = harness.snapshot(1L, T0);
        harness.close();

        start(policy, checkpoint); // event time starts over after a restore
        send("e0", "old", T0);
        send("e2", "b", T0 + 2 * MINUTE);
        watermark(T0 + 2 * MINUTE);

        assertThat(appliedEventIds()).containsExactly("e2");
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).isEqualTo("late");
            assertThat(d.getReasons())
                    .singleElement()
                    .asString()
                    .contains("60000 ms behind the user's last applied event at " + (T0 + MINUTE));
        });
    }
}
