package io.streamrec.flink.state;

import io.streamrec.flink.records.Records;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.model.history.UserHistory;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.deadletter.DeadLetters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Keyed user state (docs/design.md, "User state"): applies each user's events to a {@link UserHistory}
 * and emits the {@link FeatureSnapshot} after each applied event. Input 1 is the validated event stream, input 2 the
 * user-profile stream, both keyed by userId ({@link #attach}).
 *
 * <p><b>Apply order.</b> With {@link ApplyOrder#ARRIVAL} an event is applied and its snapshot emitted as
 * soon as it arrives, when it is not older than the user's last applied event; an older one still ahead of
 * the watermark is re-inserted in event-time order (the user's history is rebuilt from the settled one,
 * below, and its waiting events) and the corrected snapshot is emitted, with the re-inserted event's
 * training example. Kafka keeps each user's events in order within a partition, so re-insertion happens
 * only where a producer sent them out of order. Each user's history as it stands with its waiting events
 * applied is kept on the heap while it has waiting events ({@link LiveUser}); it is derived state, rebuilt
 * after a restore from the two things a checkpoint holds. With {@link ApplyOrder#EVENT_TIME} nothing is
 * emitted before the watermark passes the event. Either way the events also wait for the watermark as
 * described next, which settles the stored history in event-time order: the stored state, and so every
 * checkpoint, is the same in both modes, and arrival mode only emits earlier.
 *
 * <p><b>Event time.</b> Accepted events wait in a per-subtask heap buffer ({@link WaitingEvents}) until
 * the watermark passes them, then each user's due events are applied in (timestamp, arrival) order with
 * one state read and one write per user (in arrival mode, when all of a user's waiting events are due, its
 * heap history is written as it stands, without the read), the users in the order RocksDB keeps their state, which makes its
 * writes and reads far cheaper than in arrival order ({@link WaitingEvents#takeUpTo}). The upstream
 * watermark strategy must take timestamps from {@code UserEvent.timestamp}; its bounded out-of-orderness
 * is the allowed lateness: an event at or behind the watermark when it arrives is dead-lettered as
 * {@code late}. Event time comes from the event input alone: profiles are a changelog, not a time series,
 * so input 2 counts as idle from the start and its watermarks are ignored. (Letting it take part breaks
 * either way: without watermarks it holds event time back forever; with a source that never holds back, or
 * an empty one that finishes with {@code Long.MAX_VALUE}, event time jumps to +∞ once the event input
 * idles, which clears every user.)
 *
 * <p><b>Bounded waiting.</b> At most {@code maxWaitingEvents} wait. Past that (the watermark has stalled,
 * for instance an idle partition without source idleness), the earliest waiting events are applied
 * before the watermark passes them, and an event later found behind them is dead-lettered as
 * {@code late}: memory stays bounded and no event is dropped silently.
 *
 * <p><b>State.</b> Keyed: the user's history ({@link UserHistorySerializer}); a heap Bloom filter of the
 * users that have one ({@link KnownUsers}, rebuilt from the keys on start) spares the read for a user
 * never seen. Union operator state: the waiting events, one entry per key group, written on the
 * checkpoint's asynchronous thread, so the buffer rescales with its keys. One cleanup timer per user, moved at
 * most once per {@link #CLEANUP_RESOLUTION_MILLIS} of event time while the user stays active, clears a history once it
 * has lapsed ({@link UserHistory#lapsesAt}); only the profile outlives it.
 *
 * <p><b>Side outputs.</b> {@link #TRAINING_EXAMPLES}: the state before each applied event with that
 * event as target. {@link #DEAD_LETTERS}: refused events ({@code late}, {@code duplicate}) with their
 * original bytes, topic, partition and offset. Records leave with their own event time as timestamp,
 * and are never touched again, so the operator is safe with {@code pipeline.object-reuse}.
 *
 * <p>Metrics: see {@link UserStateMetrics}.
 */
public final class UserStateOperator extends AbstractStreamOperator<FeatureSnapshot>
        implements TwoInputStreamOperator<SourcedEvent, UserProfile, FeatureSnapshot>, Triggerable<String, Boolean> {
    private static final long serialVersionUID = 2L;

    /** The state before each applied event, with the event's behaviour as the target. */
    public static final OutputTag<TrainingExample> TRAINING_EXAMPLES =
            new OutputTag<>("training-examples", Records.trainingExamples());
    /** Events refused here: reason {@code late} or {@code duplicate}. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("user-state-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The stable uid of the user-state operator: its keyed state is found by it. */
    public static final String UID = "user-state";

    static final String HISTORY_STATE = "user-history";
    private static final ValueStateDescriptor<UserHistory> HISTORY =
            new ValueStateDescriptor<>(HISTORY_STATE, UserHistorySerializer.INSTANCE);
    private static final ListStateDescriptor<Long> USERS_WITH_STATE =
            new ListStateDescriptor<>("users-with-state", LongSerializer.INSTANCE);
    private static final ListStateDescriptor<Long> RELEASED_UP_TO =
            new ListStateDescriptor<>("released-up-to", LongSerializer.INSTANCE);
    /** Union state: on restore every subtask reads all groups and keeps those of its key groups. */
    private static final ListStateDescriptor<WaitingKeyGroup> WAITING_EVENTS =
            new ListStateDescriptor<>("waiting-events", WaitingKeyGroupSerializer.INSTANCE);

    /**
     * Granularity of cleanup timers in event time: an idle user's history is cleared at most this long
     * after it lapses (next to the 7-day retention, little; and nothing visible, as a lapsed history reads
     * as empty). An active user's timer moves at most once per step, and each move is a delete and an
     * insert in RocksDB: at a minute, moves were a tenth of the task thread in the state benchmark with
     * three events per user.
     */
    static final long CLEANUP_RESOLUTION_MILLIS = Duration.ofHours(1).toMillis();

    /**
     * In arrival order, a copy of a user's heap history is kept every this many waiting events, so that a
     * re-insertion replays only the waiting events from the copy before the straggler's place, not all of them: a
     * user with thousands of events waiting (a burst) and a few stragglers among them stays linear.
     */
    static final int MARK_EVERY = 64;

    /** A full waiting buffer is logged once, then at most this often (its count is the eventsReleasedEarly metric). */
    private static final Duration EARLY_RELEASE_WARNING_INTERVAL = Duration.ofMinutes(1);

    /** {@code AbstractStreamOperator} numbers the inputs of a two-input operator from 0. */
    private static final int PROFILE_INPUT = 1;

    private final HistoryPolicy policy;
    private final int maxWaitingEvents;
    private final ApplyOrder applyOrder;

    private transient ValueState<UserHistory> history;
    private transient ListState<Long> usersWithStateCheckpoint;
    private transient ListState<Long> releasedUpToCheckpoint;
    private transient ListState<WaitingKeyGroup> waitingCheckpoint;
    /** Namespace: whether the history holds a profile, which outlives it (else the timer clears without a read). */
    private transient InternalTimerService<Boolean> cleanupTimers;

    private transient WaitingEvents waiting;
    /** Events at or before this time were applied early (buffer full); later ones that old are late. */
    private transient long releasedUpTo;

    private transient long restoredUsersWithState;
    private transient UserStateMetrics metrics;
    private transient DeadLetters deadLetters;
    private transient StreamRecord<FeatureSnapshot> reusedRecord;
    /** Users with a stored history, or maybe not: a "no" saves the state read (see {@link KnownUsers}). */
    private transient KnownUsers knownUsers;
    /** {@link System#nanoTime} of the last warning of a full buffer; 0 before the first. */
    private transient long earlyReleaseWarnedAt;
    /** Arrival order only (else null): the users with events waiting for the watermark. */
    private transient Map<String, LiveUser> live;

    /**
     * In arrival order, a user with events waiting for the watermark: those events and the history they
     * give when applied to the settled (stored) one. Invariant: {@code pending} is exactly the user's
     * events in {@link #waiting}, in the same order, and {@code history}, when not null, is the stored
     * history with every pending event applied in that order.
     */
    private static final class LiveUser {
        final ArrayList<SourcedEvent> pending = new ArrayList<>(2);
        /** Null until built: after a restore, or after the stored history changed other than by a settle. */
        UserHistory history;
        /**
         * While {@code history} is built: entry j is a copy, never changed, of the stored history with the first
         * j × {@link #MARK_EVERY} pending events applied (entry 0 is the stored history).
         */
        final ArrayList<UserHistory> marks = new ArrayList<>(1);
        /** The stored history's cleanup timer and whether it is stored, for the settle that writes history. */
        long settledCleanupAt;

        boolean settledStored;
    }

    public UserStateOperator(HistoryPolicy policy, int maxWaitingEvents, ApplyOrder applyOrder) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (maxWaitingEvents < 1) {
            throw new IllegalArgumentException("maxWaitingEvents must be at least 1, was " + maxWaitingEvents);
        }
        this.maxWaitingEvents = maxWaitingEvents;
        this.applyOrder = Objects.requireNonNull(applyOrder, "applyOrder");
    }

    /**
     * Keys both streams by userId and adds the user-state operator, named and with uid {@value #UID}; its side
     * outputs are {@link #TRAINING_EXAMPLES} and {@link #DEAD_LETTERS}. {@code events} must carry watermarks from
     * the event timestamps; {@code profiles} need none.
     */
    public static SingleOutputStreamOperator<FeatureSnapshot> attach(
            DataStream<SourcedEvent> events,
            DataStream<UserProfile> profiles,
            HistoryPolicy policy,
            int maxWaitingEvents,
            ApplyOrder applyOrder) {
        return events.keyBy(sourced -> sourced.getEvent().getUserId(), Types.STRING)
                .connect(profiles.keyBy(UserProfile::getUserId, Types.STRING))
                .transform(
                        "user state",
                        Records.featureSnapshots(),
                        new UserStateOperator(policy, maxWaitingEvents, applyOrder))
                .uid(UID);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        usersWithStateCheckpoint = context.getOperatorStateStore().getListState(USERS_WITH_STATE);
        releasedUpToCheckpoint = context.getOperatorStateStore().getUnionListState(RELEASED_UP_TO);
        restoredUsersWithState = 0;
        for (Long count : usersWithStateCheckpoint.get()) {
            restoredUsersWithState += count;
        }
        releasedUpTo = Long.MIN_VALUE;
        for (Long time : releasedUpToCheckpoint.get()) {
            releasedUpTo = Math.max(releasedUpTo, time);
        }
        waitingCheckpoint = context.getOperatorStateStore().getUnionListState(WAITING_EVENTS);
        waiting = new WaitingEvents(getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        int restored = restoreWaiting();
        if (restored > 0) {
            LOG.info("Restored {} events waiting for the watermark", restored);
        }
        if (applyOrder == ApplyOrder.ARRIVAL) {
            live = new HashMap<>();
            waiting.forEachInOrder(
                    event -> liveUser(event.getEvent().getUserId()).pending.add(event));
        }
    }

    private LiveUser liveUser(String userId) {
        return live.computeIfAbsent(userId, user -> new LiveUser());
    }

    /** The waiting events of this subtask's key groups, taken from the union state every subtask wrote. */
    private int restoreWaiting() throws Exception {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        KeyGroupRange mine = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                task.getMaxNumberOfParallelSubtasks(),
                task.getNumberOfParallelSubtasks(),
                task.getIndexOfThisSubtask());
        int restored = 0;
        for (WaitingKeyGroup group : waitingCheckpoint.get()) {
            if (mine.contains(group.keyGroup())) {
                restored += waiting.restore(group);
            }
        }
        return restored;
    }

    @Override
    public void open() throws Exception {
        super.open();
        history = getRuntimeContext().getState(HISTORY);
        knownUsers = new KnownUsers();
        KeyedStateBackend<String> keyedState = getKeyedStateBackend();
        try (Stream<String> users = keyedState.getKeys(HISTORY_STATE, VoidNamespace.INSTANCE)) {
            users.forEach(knownUsers::add);
        }
        cleanupTimers = getInternalTimerService("user-cleanup", BooleanSerializer.INSTANCE, this);
        metrics = new UserStateMetrics(getMetricGroup(), restoredUsersWithState);
        deadLetters = new DeadLetters(Clock.systemUTC());
        reusedRecord = new StreamRecord<>(null);
        super.processWatermarkStatus(WatermarkStatus.IDLE, PROFILE_INPUT);
    }

    @Override
    public void processElement1(StreamRecord<SourcedEvent> record) throws Exception {
        SourcedEvent event = record.getValue();
        long time = event.getEvent().getTimestamp();
        long watermark = cleanupTimers.currentWatermark();
        if (time <= watermark) {
            metrics.lateEvents.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(deadLetters.late(event, watermark), time));
        } else if (time <= releasedUpTo) {
            metrics.lateEvents.inc();
            output.collect(
                    DEAD_LETTERS,
                    new StreamRecord<>(
                            deadLetters.late(
                                    event,
                                    releasedUpTo,
                                    "events applied early because the waiting buffer was full, up to"),
                            time));
        } else {
            waiting.add(event);
            if (applyOrder == ApplyOrder.ARRIVAL) {
                applyOnArrival(event);
            }
            if (waiting.size() > maxWaitingEvents) {
                releaseEarliest();
            }
        }
    }

    @Override
    public void processElement2(StreamRecord<UserProfile> record) throws Exception {
        UserHistory current = load();
        boolean stored = !current.isEmpty();
        boolean hadProfile = current.hasProfile();
        if (current.updateProfile(record.getValue())) {
            if (!hadProfile && current.hasEvents()) { // the cleanup timer must now keep the profile
                long cleanupAt = cleanupTimerFor(current);
                cleanupTimers.deleteEventTimeTimer(false, cleanupAt);
                cleanupTimers.registerEventTimeTimer(true, cleanupAt);
            }
            store(current, stored);
            forgetLiveHistory();
        }
    }

    /** Arrival order: the stored history changed under the current user's heap history, which must be rebuilt. */
    private void forgetLiveHistory() {
        if (live != null) {
            LiveUser user = live.get((String) getCurrentKey());
            if (user != null) {
                user.history = null;
                user.marks.clear();
            }
        }
    }

    /**
     * Arrival order: applies {@code event}, just added to the waiting buffer, to the user's heap history, and
     * emits the result. In order (not older than the user's last applied event) it is one {@link
     * UserHistory#apply}; out of order, the history is rebuilt from the stored one with the event in its
     * event-time place, and the corrected snapshot is emitted with the event's own training example.
     */
    private void applyOnArrival(SourcedEvent event) throws Exception {
        LiveUser user = liveUser(event.getEvent().getUserId());
        long time = event.getEvent().getTimestamp();
        int at = user.pending.size();
        while (at > 0 && user.pending.get(at - 1).getEvent().getTimestamp() > time) {
            at--;
        }
        boolean inOrder = at == user.pending.size();
        user.pending.add(at, event);
        if (inOrder && user.history != null) {
            emitStep(user.history.apply(event.getEvent(), policy), event);
            if (user.pending.size() % MARK_EVERY == 0) {
                user.marks.add(user.history.copy());
            }
            return;
        }
        Optional<HistoryStep> step = rebuild(user, event, at);
        if (inOrder || step.isEmpty()) {
            emitStep(step, event);
            return;
        }
        metrics.eventsApplied.inc();
        metrics.eventsReinserted.inc();
        output.collect(TRAINING_EXAMPLES, new StreamRecord<>(step.get().example(), time));
        UserHistory corrected = user.history;
        output.collect(
                reusedRecord.replace(corrected.snapshot(event.getEvent().getUserId()), corrected.lastEventTime()));
    }

    /**
     * Arrival order: the user's heap history built from the stored one and every pending event, in order, where
     * {@code target} was just inserted at {@code at}: from the last mark at or before {@code at} when the heap
     * history was built, else from the stored history. Returns the step of {@code target}, empty when it is a
     * duplicate at its place.
     */
    private Optional<HistoryStep> rebuild(LiveUser user, SourcedEvent target, int at) throws Exception {
        if (user.history != null && !user.marks.isEmpty()) {
            int mark = Math.min(at / MARK_EVERY, user.marks.size() - 1);
            UserHistory base = user.marks.get(mark).copy();
            user.marks.subList(mark + 1, user.marks.size()).clear();
            return replay(user, base, mark * MARK_EVERY, target);
        }
        setCurrentKey(target.getEvent().getUserId());
        UserHistory settled = load();
        user.settledStored = !settled.isEmpty();
        user.settledCleanupAt = cleanupTimerFor(settled);
        user.marks.clear();
        user.marks.add(settled.copy());
        return replay(user, settled, 0, target);
    }

    /**
     * Arrival order: applies the user's pending events from {@code from} on to {@code base}, which becomes its
     * heap history, adding a mark every {@link #MARK_EVERY} events. Returns the step of {@code target}, if given.
     */
    private Optional<HistoryStep> replay(LiveUser user, UserHistory base, int from, SourcedEvent target) {
        Optional<HistoryStep> targetStep = Optional.empty();
        for (int i = from; i < user.pending.size(); i++) {
            SourcedEvent pending = user.pending.get(i);
            Optional<HistoryStep> step = applyQuietly(base, pending);
            if (pending == target) {
                targetStep = step;
            }
            if ((i + 1) % MARK_EVERY == 0) {
                user.marks.add(base.copy());
            }
        }
        metrics.eventsReplayed.inc(user.pending.size() - from);
        user.history = base;
        return targetStep;
    }

    /** Applies without output (the outputs left on arrival); an event behind the history is skipped. */
    private Optional<HistoryStep> applyQuietly(UserHistory current, SourcedEvent event) {
        if (current.hasEvents() && event.getEvent().getTimestamp() < current.lastEventTime()) {
            return Optional.empty();
        }
        return current.apply(event.getEvent(), policy);
    }

    /** Applies every event the watermark has passed before timers at or before it fire. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        applyUpTo(mark.getTimestamp(), mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // profiles carry no event time
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
        if (inputIndex != PROFILE_INPUT) {
            super.processWatermarkStatus(status, inputIndex);
        }
    }

    /**
     * The user's cleanup timer. It always sits at {@link #cleanupTimerFor} of the stored history (every
     * change moves it), so when it fires the history has lapsed: without a profile the state is cleared
     * unread, with one the history starts over and keeps only the profile.
     */
    @Override
    public void onEventTime(InternalTimer<String, Boolean> timer) throws Exception {
        forgetLiveHistory();
        if (!timer.getNamespace()) {
            history.clear();
            metrics.userCleared();
            return;
        }
        UserHistory current = load();
        current.expire(cleanupTimers.currentWatermark(), policy);
        store(current, true);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, Boolean> timer) {
        // no processing-time timers
    }

    /**
     * Applies the waiting events at or before {@code upTo} with {@code watermark} as the event time that
     * no earlier event can still reach.
     */
    private void applyUpTo(long upTo, long watermark) throws Exception {
        if (waiting.isEmpty() || waiting.earliestTime() > upTo) {
            return;
        }
        for (WaitingEvents.DueUser user : waiting.takeUpTo(upTo)) {
            setCurrentKey(user.userId());
            if (live == null) {
                applyToCurrentUser(user.events(), watermark, true);
            } else {
                settleLiveUser(user, watermark);
            }
        }
    }

    /**
     * Arrival order: stores the history the user's due events give in event-time order, without output (it
     * left on arrival). When they are all its waiting events, that is the heap history as it stands.
     */
    private void settleLiveUser(WaitingEvents.DueUser due, long watermark) throws Exception {
        LiveUser user = live.get(due.userId());
        if (user != null && user.history != null && due.events().size() == user.pending.size()) {
            UserHistory current = user.history;
            current.expire(watermark, policy);
            moveCleanup(user.settledCleanupAt, cleanupTimerFor(current), current.hasProfile());
            store(current, user.settledStored);
            live.remove(due.userId());
            return;
        }
        UserHistory settled = applyToCurrentUser(due.events(), watermark, false);
        if (user == null) {
            return;
        }
        user.pending
                .subList(0, Math.min(due.events().size(), user.pending.size()))
                .clear();
        if (user.pending.isEmpty()) {
            live.remove(due.userId());
        } else if (user.history != null) {
            user.settledStored = !settled.isEmpty();
            user.settledCleanupAt = cleanupTimerFor(settled);
            user.marks.clear();
            user.marks.add(settled.copy());
            replay(user, settled.copy(), 0, null);
        }
    }

    /**
     * The buffer is full: applies its earliest tenth as if the watermark had passed them, in one pass so
     * that they are written in key order like the events a watermark releases.
     */
    private void releaseEarliest() throws Exception {
        int keep = maxWaitingEvents - Math.max(1, maxWaitingEvents / 10);
        long upTo = waiting.timeCoveringEarliest(waiting.size() - keep);
        int before = waiting.size();
        applyUpTo(upTo, Math.max(cleanupTimers.currentWatermark(), upTo));
        releasedUpTo = Math.max(releasedUpTo, upTo);
        metrics.eventsReleasedEarly.inc(before - waiting.size());
        long now = System.nanoTime();
        if (earlyReleaseWarnedAt == 0 || now - earlyReleaseWarnedAt >= EARLY_RELEASE_WARNING_INTERVAL.toNanos()) {
            earlyReleaseWarnedAt = now;
            LOG.warn(
                    "{} events were waiting for the watermark (maxWaitingEvents); applied those up to event time {} "
                            + "early, and later events at or before it will be dead-lettered as late ({} events applied early "
                            + "so far; this warning repeats at most every {} s). The watermark trails the newest events by more "
                            + "than the buffer holds: is a source partition idle without source idleness set, or does event "
                            + "time at the source run ahead of this operator (events stamped when a generator produced them, "
                            + "in bursts)?",
                    maxWaitingEvents + 1,
                    upTo,
                    metrics.eventsReleasedEarly.getCount(),
                    EARLY_RELEASE_WARNING_INTERVAL.toSeconds());
        }
    }

    /** Applies the due events to the stored history and stores it; {@code emit}: their outputs leave now. */
    private UserHistory applyToCurrentUser(List<SourcedEvent> due, long watermark, boolean emit) throws Exception {
        UserHistory current = load();
        boolean stored = !current.isEmpty();
        long cleanupWas = cleanupTimerFor(current);
        for (SourcedEvent event : due) {
            if (emit) {
                applyEvent(current, event);
            } else {
                applyQuietly(current, event);
            }
        }
        current.expire(watermark, policy);
        moveCleanup(cleanupWas, cleanupTimerFor(current), current.hasProfile());
        store(current, stored);
        return current;
    }

    private void applyEvent(UserHistory current, SourcedEvent event) {
        long time = event.getEvent().getTimestamp();
        if (current.hasEvents() && time < current.lastEventTime()) {
            metrics.lateEvents.inc();
            output.collect(
                    DEAD_LETTERS,
                    new StreamRecord<>(
                            deadLetters.late(event, current.lastEventTime(), "the user's last applied event at"),
                            time));
            return;
        }
        emitStep(current.apply(event.getEvent(), policy), event);
    }

    /** The outputs of one applied event: its snapshot and training example, or a dead letter for a duplicate. */
    private void emitStep(Optional<HistoryStep> step, SourcedEvent event) {
        long time = event.getEvent().getTimestamp();
        if (step.isEmpty()) {
            metrics.duplicateEvents.inc();
            output.collect(DEAD_LETTERS, new StreamRecord<>(deadLetters.duplicate(event), time));
            return;
        }
        output.collect(reusedRecord.replace(step.get().after(), time));
        output.collect(TRAINING_EXAMPLES, new StreamRecord<>(step.get().example(), time));
        metrics.eventsApplied.inc();
        if (step.get().closedSession()) {
            metrics.sessionsClosed.inc();
        }
    }

    /**
     * The one cleanup timer of a history: its lapse time rounded up to {@link #CLEANUP_RESOLUTION_MILLIS},
     * so that an active user's timer moves at most once per resolution step rather than with every
     * event. {@link Long#MAX_VALUE} when the history has nothing to lapse.
     */
    private long cleanupTimerFor(UserHistory current) {
        long lapsesAt = current.lapsesAt(policy);
        if (lapsesAt > Long.MAX_VALUE - CLEANUP_RESOLUTION_MILLIS) {
            return Long.MAX_VALUE;
        }
        return Math.floorDiv(lapsesAt, CLEANUP_RESOLUTION_MILLIS) * CLEANUP_RESOLUTION_MILLIS
                + CLEANUP_RESOLUTION_MILLIS
                - 1;
    }

    /**
     * Moves the current user's cleanup timer ({@link Long#MAX_VALUE}: none). The old one has not fired:
     * events are applied before timers at the same watermark, and a fired timer leaves no events behind.
     */
    private void moveCleanup(long was, long at, boolean keepsProfile) {
        if (at == was) {
            return;
        }
        if (was != Long.MAX_VALUE) {
            cleanupTimers.deleteEventTimeTimer(keepsProfile, was);
        }
        if (at != Long.MAX_VALUE) {
            cleanupTimers.registerEventTimeTimer(keepsProfile, at);
        }
    }

    private UserHistory load() throws Exception {
        if (!knownUsers.mightContain((String) getCurrentKey())) {
            metrics.historyReadsSkipped.inc();
            return new UserHistory();
        }
        UserHistory stored = history.value();
        return stored != null ? stored : new UserHistory();
    }

    /** Writes the current user's history, or clears it when nothing is left; {@code wasStored}: it existed. */
    private void store(UserHistory current, boolean wasStored) throws Exception {
        if (current.isEmpty()) {
            if (wasStored) {
                history.clear();
                metrics.userCleared();
            }
            return;
        }
        history.update(current);
        if (!wasStored) {
            knownUsers.add((String) getCurrentKey());
            metrics.userCreated();
        }
    }

    /**
     * Checkpoints the waiting events as union operator state, one entry per key group, so that a rescaled
     * job hands each event to the subtask that owns its user. The task thread only groups references:
     * the entries are immutable, so Flink's synchronous phase copies the list and the events are
     * serialised on the checkpoint's asynchronous thread, not on the task thread. Keeping them in RocksDB
     * between checkpoints would cost far more.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        waitingCheckpoint.update(waiting.byKeyGroup());
        usersWithStateCheckpoint.update(List.of(metrics.usersWithState()));
        releasedUpToCheckpoint.update(List.of(releasedUpTo));
    }

    /** This subtask's metrics, once opened. */
    UserStateMetrics metrics() {
        return metrics;
    }
}
