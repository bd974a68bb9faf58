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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * User state in {@link ApplyOrder#ARRIVAL}: emitted on arrival, stragglers re-inserted in event-time order, and the
 * stored state (what a checkpoint holds) exactly that of {@link ApplyOrder#EVENT_TIME}, on a RocksDB backend in
 * Flink's two-input harness.
 */
class ArrivalOrderTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** Small limits, so that a short stream closes sessions, caps the long term, prunes it and lapses. */
    private static final HistoryPolicy POLICY = HistoryPolicy.builder()
            .set(HistoryPolicy.SESSION_GAP, Duration.ofMinutes(10))
            .set(HistoryPolicy.MAX_SESSION_ITEMS, 5)
            .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofDays(1))
            .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 6)
            .build();
    /** Watermarks trail the newest event by this much: the allowed lateness. */
    private static final long LATENESS = 30 * MINUTE;

    private final List<Harness> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Harness h : harnesses) {
            h.close();
        }
    }

    /** One operator in its harness, and what it has emitted. */
    private final class Harness {
        final KeyedTwoInputStreamOperatorTestHarness<String, SourcedEvent, UserProfile, FeatureSnapshot> harness;
        final UserStateOperator operator;
        private boolean closed;

        Harness(ApplyOrder order, int maxWaitingEvents, OperatorSubtaskState restored) throws Exception {
            operator = new UserStateOperator(POLICY, maxWaitingEvents, order);
            harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                    operator, e -> e.getEvent().getUserId(), UserProfile::getUserId, Types.STRING, 128, 1, 0);
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            if (restored != null) {
                harness.initializeState(restored);
            }
            harness.open();
            harnesses.add(this);
        }

        Harness(ApplyOrder order) throws Exception {
            this(order, JobOptions.MAX_WAITING_EVENTS.defaultValue(), null);
        }

        void send(SourcedEvent event) throws Exception {
            harness.processElement1(new StreamRecord<>(event, event.getEvent().getTimestamp()));
        }

        void watermark(long time) throws Exception {
            harness.processWatermark1(new Watermark(time));
        }

        void profile(UserProfile profile) throws Exception {
            harness.processElement2(new StreamRecord<>(profile));
        }

        List<FeatureSnapshot> snapshots() {
            return harness.extractOutputValues();
        }

        List<TrainingExample> examples() {
            var queue = harness.getSideOutput(UserStateOperator.TRAINING_EXAMPLES);
            return queue == null
                    ? List.of()
                    : queue.stream().map(StreamRecord::getValue).toList();
        }

        List<DeadLetter> deadLetters() {
            var queue = harness.getSideOutput(UserStateOperator.DEAD_LETTERS);
            return queue == null
                    ? List.of()
                    : queue.stream().map(StreamRecord::getValue).toList();
        }

        /** The last snapshot emitted for each user. */
        Map<String, FeatureSnapshot> lastByUser() {
            Map<String, FeatureSnapshot> last = new TreeMap<>();
            for (FeatureSnapshot s : snapshots()) {
                last.put(s.getUserId(), s);
            }
            return last;
        }

        void close() throws Exception {
            if (!closed) {
                closed = true;
                harness.close();
            }
        }
    }

    private static SourcedEvent event(String user, String eventId, String item, long time) {
        UserEvent e = UserEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(time)
                .setCategoryId("c-" + item.hashCode() % 5)
                .build();
        return new SourcedEvent(
                e, ByteBuffer.wrap(("raw-" + eventId).getBytes(StandardCharsets.UTF_8)), "events", 0, 0L);
    }

    private static List<String> items(List<Behavior> behaviors) {
        return behaviors.stream().map(Behavior::getItemId).toList();
    }

    /**
     * Five users, 60 events each in event-time order, with gaps that continue sessions, close them, fill them,
     * prune the long term and (once per user) lapse the whole history.
     */
    private static List<SourcedEvent> inOrderStream(long seed) {
        Random random = new Random(seed);
        List<SourcedEvent> all = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            long time = T0 + u * 7 * MINUTE;
            for (int i = 0; i < 60; i++) {
                int kind = random.nextInt(20);
                long gap = kind < 12
                        ? 1 + random.nextInt(5) * MINUTE // same session
                        : kind < 19 ? 11 * MINUTE + random.nextInt(600) * MINUTE / 10 : 1;
                if (i == 30 + u) {
                    gap = 3 * DAY; // past the retention and session gap: the history lapses
                }
                time += gap;
                all.add(event("u" + u, "u" + u + "-e" + i, "i" + random.nextInt(25), time));
            }
        }
        all.sort(Comparator.comparingLong((SourcedEvent e) -> e.getEvent().getTimestamp()));
        return all;
    }

    /** The same events, each arriving up to {@code jitter} ms of event time late (so out of order). */
    private static List<SourcedEvent> shuffled(List<SourcedEvent> inOrder, long jitter, long seed) {
        Random random = new Random(seed);
        Map<SourcedEvent, Long> arrivesAt = new LinkedHashMap<>();
        for (SourcedEvent e : inOrder) {
            arrivesAt.put(e, e.getEvent().getTimestamp() + (long) (random.nextDouble() * jitter));
        }
        List<SourcedEvent> arrival = new ArrayList<>(inOrder);
        arrival.sort(Comparator.comparingLong(arrivesAt::get));
        return arrival;
    }

    /**
     * Sends the events in the given order with a watermark {@link #LATENESS} behind the newest every few events
     * (so none is late when the jitter stays under it), from {@code from} (inclusive) to {@code to} (exclusive).
     */
    private static void replay(Harness h, List<SourcedEvent> events, int from, int to) throws Exception {
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < to; i++) {
            newest = Math.max(newest, events.get(i).getEvent().getTimestamp());
            if (i >= from) {
                h.send(events.get(i));
                if (i % 4 == 3) {
                    h.watermark(newest - LATENESS);
                }
            }
        }
    }

    /** Settles every event, then sends each user one probe event: its snapshot shows the whole stored history. */
    private static Map<String, FeatureSnapshot> storedState(Harness h, List<SourcedEvent> events) throws Exception {
        long last = events.stream()
                .mapToLong(e -> e.getEvent().getTimestamp())
                .max()
                .orElseThrow();
        h.watermark(last);
        int before = h.snapshots().size();
        for (int u = 0; u < 5; u++) {
            h.send(event("u" + u, "probe-u" + u, "probe", last + MINUTE));
        }
        h.watermark(last + MINUTE);
        Map<String, FeatureSnapshot> probes = new TreeMap<>();
        for (FeatureSnapshot s : h.snapshots().subList(before, h.snapshots().size())) {
            probes.put(s.getUserId(), s);
        }
        assertThat(probes).hasSize(5);
        return probes;
    }

    private static Map<String, List<FeatureSnapshot>> byUser(List<FeatureSnapshot> snapshots) {
        Map<String, List<FeatureSnapshot>> grouped = new TreeMap<>();
        for (FeatureSnapshot s : snapshots) {
            grouped.computeIfAbsent(s.getUserId(), u -> new ArrayList<>()).add(s);
        }
        return grouped;
    }

    private static Map<String, List<TrainingExample>> examplesByUser(List<TrainingExample> examples) {
        Map<String, List<TrainingExample>> grouped = new TreeMap<>();
        for (TrainingExample e : examples) {
            grouped.computeIfAbsent(e.getContext().getUserId(), u -> new ArrayList<>())
                    .add(e);
        }
        return grouped;
    }

    @Test
    void anEventIsEmittedOnArrivalWithoutWaitingForTheWatermark() throws Exception {
        Harness h = new Harness(ApplyOrder.ARRIVAL);
        h.send(event("u1", "e1", "a", T0));
        h.send(event("u1", "e2", "b", T0 + MINUTE));

        assertThat(h.snapshots()).extracting(FeatureSnapshot::getEventId).containsExactly("e1", "e2");
        assertThat(items(h.snapshots().get(1).getSession())).containsExactly("a", "b");
        assertThat(h.examples()).hasSize(2);

        h.watermark(T0 + MINUTE);
        assertThat(h.snapshots()).as("settling emits nothing more").hasSize(2);
        assertThat(h.examples()).hasSize(2);
        assertThat(h.operator.metrics().eventsApplied.getCount()).isEqualTo(2);
        assertThat(h.operator.metrics().usersWithState()).isEqualTo(1);
    }

    @Test
    void aStragglerThatBelongsToAClosedSessionIsReinsertedAndTheCorrectedStateEmitted() throws Exception {
        Harness h = new Harness(ApplyOrder.ARRIVAL);
        h.send(event("u1", "e1", "a", T0));
        h.send(event("u1", "e3", "c", T0 + 40 * MINUTE)); // 40 min later: a new session, "a" goes long-term
        assertThat(items(h.snapshots().get(1).getSession())).containsExactly("c");
        assertThat(h.snapshots().get(1).getLongTerm().getItem()).containsExactly("a");

        h.send(event("u1", "e2", "b", T0 + 5 * MINUTE)); // belongs to the first session

        assertThat(h.snapshots()).hasSize(3);
        FeatureSnapshot corrected = h.snapshots().get(2);
        assertThat(corrected.getEventId()).as("the user's newest event").isEqualTo("e3");
        assertThat(items(corrected.getSession())).containsExactly("c");
        assertThat(corrected.getLongTerm().getItem()).containsExactlyInAnyOrder("a", "b");
        assertThat(h.examples().get(2).getTarget().getItemId()).isEqualTo("b");
        assertThat(items(h.examples().get(2).getContext().getSession()))
                .as("the straggler's example has its event-time context")
                .containsExactly("a");
        assertThat(h.operator.metrics().eventsReinserted.getCount()).isEqualTo(1);
        assertThat(h.deadLetters()).isEmpty();

        Harness inOrder = new Harness(ApplyOrder.EVENT_TIME);
        inOrder.send(event("u1", "e1", "a", T0));
        inOrder.send(event("u1", "e2", "b", T0 + 5 * MINUTE));
        inOrder.send(event("u1", "e3", "c", T0 + 40 * MINUTE));
        inOrder.watermark(T0 + 40 * MINUTE);
        assertThat(corrected).isEqualTo(inOrder.snapshots().get(2));
    }

    @Test
    void stragglersInABurstAreReinsertedFromTheNearestMarkAndGiveTheStateOfTheSameEventsInOrder() throws Exception {
        // one user, 2,000 events a second apart, none settled meanwhile; every 50th arrives 10 events late
        List<SourcedEvent> inOrder = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            inOrder.add(event("u0", "b" + i, "i" + (i % 37), T0 + i * 1_000L));
        }
        List<SourcedEvent> arrivals = new ArrayList<>(inOrder);
        Set<String> stragglers = new HashSet<>();
        for (int i = 100; i < 1_980; i += 50) {
            SourcedEvent straggler = arrivals.remove(i);
            arrivals.add(i + 10, straggler);
            stragglers.add(straggler.getEvent().getEventId());
        }

        Harness arrival = new Harness(ApplyOrder.ARRIVAL);
        for (SourcedEvent e : arrivals) {
            arrival.send(e);
        }
        Harness eventTime = new Harness(ApplyOrder.EVENT_TIME);
        for (SourcedEvent e : inOrder) {
            eventTime.send(e);
        }
        eventTime.watermark(T0 + 2_000 * 1_000L);

        assertThat(arrival.operator.metrics().eventsReinserted.getCount()).isEqualTo(stragglers.size());
        assertThat(arrival.snapshots().get(arrival.snapshots().size() - 1))
                .as("the last state emitted")
                .isEqualTo(eventTime.snapshots().get(eventTime.snapshots().size() - 1));
        Map<String, TrainingExample> inOrderExamples = new HashMap<>();
        eventTime.examples().forEach(e -> inOrderExamples.put(e.getTarget().getEventId(), e));
        List<TrainingExample> reinserted = arrival.examples().stream()
                .filter(e -> stragglers.contains(e.getTarget().getEventId()))
                .toList();
        assertThat(reinserted).hasSize(stragglers.size());
        assertThat(reinserted)
                .as("each straggler's example has its event-time context")
                .allSatisfy(e -> assertThat(e)
                        .isEqualTo(inOrderExamples.get(e.getTarget().getEventId())));
        // from the stored history every re-insertion would replay ~1,000 waiting events (38,000 in all); from the
        // mark before its place, at most MARK_EVERY + 10
        assertThat(arrival.operator.metrics().eventsReplayed.getCount())
                .as("waiting events replayed for %d re-insertions", stragglers.size())
                .isLessThanOrEqualTo((long) stragglers.size() * (UserStateOperator.MARK_EVERY + 10));

        arrival.watermark(T0 + 2_000 * 1_000L);
        eventTime.send(event("u0", "probe", "probe", T0 + 2_001 * 1_000L));
        eventTime.watermark(T0 + 2_001 * 1_000L);
        arrival.send(event("u0", "probe", "probe", T0 + 2_001 * 1_000L));
        assertThat(arrival.snapshots().get(arrival.snapshots().size() - 1))
                .as("the stored state, seen through a probe event")
                .isEqualTo(eventTime.snapshots().get(eventTime.snapshots().size() - 1));
    }

    @Test
    void outOfOrderEventsWithinTheLatenessGiveTheStateOfTheSameEventsInOrder() throws Exception {
        List<SourcedEvent> inOrder = inOrderStream(7);
        List<SourcedEvent> outOfOrder = shuffled(inOrder, LATENESS - MINUTE, 11);
        assertThat(outOfOrder).as("the stream really is out of order").isNotEqualTo(inOrder);

        Harness arrival = new Harness(ApplyOrder.ARRIVAL);
        replay(arrival, outOfOrder, 0, outOfOrder.size());
        Harness reference = new Harness(ApplyOrder.EVENT_TIME);
        replay(reference, inOrder, 0, inOrder.size());
        reference.watermark(inOrder.get(inOrder.size() - 1).getEvent().getTimestamp()); // all settled

        assertThat(arrival.deadLetters()).isEmpty();
        assertThat(arrival.operator.metrics().eventsReinserted.getCount())
                .as("stragglers were re-inserted")
                .isGreaterThan(20);
        assertThat(arrival.lastByUser())
                .as("the last emitted state of each user")
                .isEqualTo(reference.lastByUser());
        assertThat(examplesByUser(arrival.examples()).values().stream()
                        .mapToInt(List::size)
                        .sum())
                .as("one training example per event")
                .isEqualTo(inOrder.size());
        assertThat(storedState(arrival, inOrder))
                .as("the stored (checkpointed) history")
                .isEqualTo(storedState(reference, inOrder));
    }

    @Test
    void arrivalAndEventTimeOrderAgreeOnAnInOrderStream() throws Exception {
        List<SourcedEvent> inOrder = inOrderStream(3);
        Harness arrival = new Harness(ApplyOrder.ARRIVAL);
        replay(arrival, inOrder, 0, inOrder.size());
        Harness eventTime = new Harness(ApplyOrder.EVENT_TIME);
        replay(eventTime, inOrder, 0, inOrder.size());
        eventTime.watermark(Long.MAX_VALUE - 1);
        arrival.watermark(Long.MAX_VALUE - 1);

        assertThat(arrival.operator.metrics().eventsReinserted.getCount()).isZero();
        assertThat(byUser(arrival.snapshots())).isEqualTo(byUser(eventTime.snapshots()));
        assertThat(examplesByUser(arrival.examples())).isEqualTo(examplesByUser(eventTime.examples()));
        assertThat(arrival.snapshots()).hasSize(inOrder.size());
    }

    @Test
    void aRestoreInArrivalOrderEndsLikeAnUninterruptedRun() throws Exception {
        List<SourcedEvent> inOrder = inOrderStream(5);
        List<SourcedEvent> outOfOrder = shuffled(inOrder, LATENESS - MINUTE, 13);
        int cut = outOfOrder.size() / 2 + 1; // not on a watermark: events wait in the checkpoint

        Harness uninterrupted = new Harness(ApplyOrder.ARRIVAL);
        replay(uninterrupted, outOfOrder, 0, outOfOrder.size());

        Harness first = new Harness(ApplyOrder.ARRIVAL);
        replay(first, outOfOrder, 0, cut);
        List<FeatureSnapshot> emitted = new ArrayList<>(first.snapshots());
        List<TrainingExample> examples = new ArrayList<>(first.examples());
        OperatorSubtaskState checkpoint = first.harness.snapshot(1L, T0);
        first.close();
        Harness restored = new Harness(ApplyOrder.ARRIVAL, JobOptions.MAX_WAITING_EVENTS.defaultValue(), checkpoint);
        replay(restored, outOfOrder, cut, outOfOrder.size());
        emitted.addAll(restored.snapshots());
        examples.addAll(restored.examples());

        assertThat(emitted).as("every snapshot, in order").isEqualTo(uninterrupted.snapshots());
        assertThat(examples).isEqualTo(uninterrupted.examples());
        assertThat(storedState(restored, inOrder)).isEqualTo(storedState(uninterrupted, inOrder));
    }

    @Test
    void aCheckpointTakenInEitherOrderRestoresInTheOther() throws Exception {
        List<SourcedEvent> inOrder = inOrderStream(9);
        List<SourcedEvent> outOfOrder = shuffled(inOrder, LATENESS - MINUTE, 17);
        int cut = outOfOrder.size() / 3 + 2;

        Harness eventTime = new Harness(ApplyOrder.EVENT_TIME);
        replay(eventTime, outOfOrder, 0, cut);
        OperatorSubtaskState checkpoint = eventTime.harness.snapshot(1L, T0);
        eventTime.close();
        Harness arrival = new Harness(ApplyOrder.ARRIVAL, JobOptions.MAX_WAITING_EVENTS.defaultValue(), checkpoint);
        replay(arrival, outOfOrder, cut, outOfOrder.size());

        Harness reference = new Harness(ApplyOrder.EVENT_TIME);
        replay(reference, inOrder, 0, inOrder.size());
        assertThat(storedState(arrival, inOrder)).isEqualTo(storedState(reference, inOrder));
    }

    @Test
    void anEventBehindTheWatermarkIsLateAndADuplicateIsDeadLetteredOnce() throws Exception {
        Harness h = new Harness(ApplyOrder.ARRIVAL);
        h.send(event("u1", "e1", "a", T0));
        h.watermark(T0 + MINUTE);
        h.send(event("u1", "e0", "z", T0 + MINUTE)); // at the watermark: past the allowed lateness
        h.send(event("u1", "e2", "b", T0 + 2 * MINUTE));
        h.send(event("u1", "e2", "b", T0 + 2 * MINUTE));
        h.watermark(T0 + 3 * MINUTE);

        assertThat(h.deadLetters()).extracting(DeadLetter::getReason).containsExactly("late", "duplicate");
        assertThat(h.snapshots()).extracting(FeatureSnapshot::getEventId).containsExactly("e1", "e2");
        assertThat(items(h.snapshots().get(1).getSession())).containsExactly("a", "b");
    }

    @Test
    void aProfileThatArrivesBetweenEventsIsInTheNextSnapshot() throws Exception {
        Harness h = new Harness(ApplyOrder.ARRIVAL);
        h.send(event("u1", "e1", "a", T0));
        h.profile(new UserProfile("u1", Map.of("age", "25-34"), 1L));
        h.send(event("u1", "e2", "b", T0 + MINUTE));

        assertThat(h.snapshots().get(1).getProfile()).containsEntry("age", "25-34");
        assertThat(items(h.snapshots().get(1).getSession())).containsExactly("a", "b");
        h.watermark(T0 + MINUTE);
        h.send(event("u1", "e3", "c", T0 + 2 * MINUTE));
        assertThat(h.snapshots().get(2).getProfile()).containsEntry("age", "25-34");
        assertThat(items(h.snapshots().get(2).getSession())).containsExactly("a", "b", "c");
    }

    @Test
    void aFullWaitingBufferSettlesEarlyWithoutEmittingTwice() throws Exception {
        List<SourcedEvent> inOrder = inOrderStream(21);
        Harness small = new Harness(ApplyOrder.ARRIVAL, 10, null);
        for (SourcedEvent e : inOrder) {
            small.send(e); // no watermark at all: only the bound settles events
        }
        Harness reference = new Harness(ApplyOrder.EVENT_TIME);
        replay(reference, inOrder, 0, inOrder.size());
        reference.watermark(inOrder.get(inOrder.size() - 1).getEvent().getTimestamp());

        assertThat(small.operator.metrics().eventsReleasedEarly.getCount()).isPositive();
        assertThat(small.snapshots()).hasSize(inOrder.size());
        assertThat(byUser(small.snapshots())).isEqualTo(byUser(reference.snapshots()));
        assertThat(storedState(small, inOrder)).isEqualTo(storedState(reference, inOrder));
    }
}
