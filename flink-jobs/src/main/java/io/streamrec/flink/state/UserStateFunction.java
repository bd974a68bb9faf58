package io.streamrec.flink.state;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed user state (DESIGN §5): applies each user's events to a {@link UserHistory} in event-time
 * order and emits the {@link FeatureSnapshot} after each applied event. The first input is the
 * validated event stream, the second the user-profile stream, both keyed by userId.
 *
 * <p><b>Event time.</b> Events wait in keyed state until the watermark passes their timestamp, then
 * are applied in (timestamp, arrival) order. The upstream watermark strategy must take timestamps
 * from {@code UserEvent.timestamp}; its bounded out-of-orderness is the allowed lateness: an event at or
 * behind the current watermark when it arrives is dead-lettered as {@code late}. Run it in a
 * {@link UserStateOperator}, which takes event time from the event input alone.
 *
 * <p><b>Side outputs.</b> {@link #TRAINING_EXAMPLES}: the state before each applied event with that
 * event as target. {@link #DEAD_LETTERS}: refused events ({@code late}, {@code duplicate}) with their
 * original bytes, topic, partition and offset.
 *
 * <p><b>Dedup.</b> A repeated eventId, whether still waiting or among the user's recently applied
 * events (the policy's dedup memory), is dead-lettered as {@code duplicate}.
 *
 * <p><b>State and its cost.</b> A user's history and waiting events share one RocksDB list
 * ({@link UserStateEntry}). Per event: one write-only merge on arrival; per timer firing (all of a
 * user's due events at once): one read and one write of that list. State stays bounded: a history
 * holds at most one session and a bounded L^u, and one cleanup timer per user, moved (at most once a
 * minute of event time) as the user stays active, clears the history once it has lapsed
 * ({@link UserHistory#lapsesAt}); only the profile outlives it.
 *
 * <p><b>Wiring.</b>
 * <pre>{@code
 * DataStream<SourcedEvent> events = ...;   // watermarks: forBoundedOutOfOrderness, timestamps from the event
 * DataStream<UserProfile> profiles = ...;  // no watermarks needed
 * SingleOutputStreamOperator<FeatureSnapshot> snapshots = UserStateOperator.apply(events, profiles, policy);
 * DataStream<TrainingExample> examples = snapshots.getSideOutput(UserStateFunction.TRAINING_EXAMPLES);
 * DataStream<DeadLetter> refused = snapshots.getSideOutput(UserStateFunction.DEAD_LETTERS);
 * }</pre>
 * Records leave with the firing timer's timestamp, never later than their own event time (the
 * snapshot's {@code eventTime} is exact). Emitted records are never touched again, so the operator is
 * safe with {@code pipeline.object-reuse}.
 *
 * <p>Metrics: see {@link UserStateMetrics}.
 */
public class UserStateFunction extends KeyedCoProcessFunction<String, SourcedEvent, UserProfile, FeatureSnapshot>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** The state before each applied event, with the event's behaviour as the target. */
    public static final OutputTag<TrainingExample> TRAINING_EXAMPLES =
            new OutputTag<>("training-examples", TypeInformation.of(TrainingExample.class));
    /** Events refused here: reason {@code late} or {@code duplicate}. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("user-state-dead-letters", TypeInformation.of(DeadLetter.class));

    /** The user's history and the events waiting for the watermark, in one list: see {@link UserStateEntry}. */
    private static final ListStateDescriptor<UserStateEntry> USER_STATE =
            new ListStateDescriptor<>("user-state", UserStateEntrySerializer.INSTANCE);
    private static final ListStateDescriptor<Long> USERS_WITH_STATE =
            new ListStateDescriptor<>("users-with-state", LongSerializer.INSTANCE);

    /**
     * Granularity of cleanup timers in event time: an idle user's history is cleared at most this long
     * after it lapses (next to the 7-day retention, nothing).
     */
    static final long CLEANUP_RESOLUTION_MILLIS = 60_000;

    private static final Comparator<SourcedEvent> BY_EVENT_TIME =
            Comparator.comparingLong(e -> e.getEvent().getTimestamp());

    private final HistoryPolicy policy;

    private transient ListState<UserStateEntry> userState;
    private transient ListState<Long> usersWithStateCheckpoint;
    private transient long restoredUsersWithState;
    private transient UserStateMetrics metrics;
    private transient DeadLetters deadLetters;

    public UserStateFunction(HistoryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** With the policy of DESIGN §5. */
    public static UserStateFunction withDefaultPolicy() {
        return new UserStateFunction(HistoryPolicy.defaults());
    }

    @Override
    public void open(OpenContext openContext) {
        userState = getRuntimeContext().getListState(USER_STATE);
        metrics = new UserStateMetrics(getRuntimeContext().getMetricGroup(), restoredUsersWithState);
        deadLetters = new DeadLetters(Clock.systemUTC());
    }

    @Override
    public void processElement1(SourcedEvent event, Context ctx, Collector<FeatureSnapshot> out) throws Exception {
        long time = event.getEvent().getTimestamp();
        long watermark = ctx.timerService().currentWatermark();
        if (time <= watermark) {
            metrics.lateEvents.inc();
            ctx.output(DEAD_LETTERS, deadLetters.late(event, watermark));
            return;
        }
        userState.add(new UserStateEntry.Waiting(event));
        ctx.timerService().registerEventTimeTimer(time);
    }

    @Override
    public void processElement2(UserProfile profile, Context ctx, Collector<FeatureSnapshot> out) throws Exception {
        LoadedState state = load();
        if (state.history.updateProfile(profile)) {
            store(state, state.waiting);
        }
    }

    /**
     * Fires at a waiting event's timestamp or at the user's lapse time: applies every due event, then
     * expires what the watermark has made invisible and moves the single cleanup timer.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureSnapshot> out) throws Exception {
        TimerService timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        LoadedState state = load();
        UserHistory current = state.history;
        long cleanupWas = cleanupTimerFor(current);

        List<SourcedEvent> due = new ArrayList<>();
        List<SourcedEvent> later = new ArrayList<>();
        for (SourcedEvent event : state.waiting) {
            (event.getEvent().getTimestamp() <= watermark ? due : later).add(event);
        }
        due.sort(BY_EVENT_TIME); // stable: ties keep arrival order
        cancelOtherTimers(due, timestamp, timers);
        for (SourcedEvent event : due) {
            Optional<HistoryStep> step = current.apply(event.getEvent(), policy);
            if (step.isEmpty()) {
                metrics.duplicateEvents.inc();
                ctx.output(DEAD_LETTERS, deadLetters.duplicate(event));
                continue;
            }
            out.collect(step.get().after());
            ctx.output(TRAINING_EXAMPLES, step.get().example());
            metrics.eventsApplied.inc();
            if (step.get().closedSession()) {
                metrics.sessionsClosed.inc();
            }
        }
        current.expire(watermark, policy);

        long cleanupAt = cleanupTimerFor(current);
        if (cleanupAt != cleanupWas) {
            if (cleanupWas != Long.MAX_VALUE && cleanupWas > watermark) {
                timers.deleteEventTimeTimer(cleanupWas);
            }
            if (cleanupAt != Long.MAX_VALUE) {
                timers.registerEventTimeTimer(cleanupAt);
            }
        }
        store(state, later);
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
                + CLEANUP_RESOLUTION_MILLIS - 1;
    }

    /**
     * Cancels the timers of the due events other than the firing one: they would fire in this same
     * watermark advance only to find nothing left.
     */
    private static void cancelOtherTimers(List<SourcedEvent> dueInOrder, long firingTimer, TimerService timers) {
        long cancelled = firingTimer;
        for (SourcedEvent event : dueInOrder) {
            long time = event.getEvent().getTimestamp();
            if (time != cancelled && time != firingTimer) {
                timers.deleteEventTimeTimer(time);
                cancelled = time;
            }
        }
    }

    /** Reads the user's state list once: the history (a new one if none) and the waiting events. */
    private LoadedState load() throws Exception {
        UserHistory stored = null;
        List<SourcedEvent> waiting = new ArrayList<>();
        Iterable<UserStateEntry> entries = userState.get();
        if (entries != null) {
            for (UserStateEntry entry : entries) {
                if (entry instanceof UserStateEntry.History h) {
                    stored = h.history();
                } else {
                    waiting.add(((UserStateEntry.Waiting) entry).event());
                }
            }
        }
        return new LoadedState(stored != null ? stored : new UserHistory(), stored != null, waiting);
    }

    /** Writes the user's state list once, or clears it when nothing is left. */
    private void store(LoadedState state, List<SourcedEvent> stillWaiting) throws Exception {
        List<UserStateEntry> entries = new ArrayList<>(stillWaiting.size() + 1);
        boolean keepHistory = !state.history.isEmpty();
        if (keepHistory) {
            entries.add(new UserStateEntry.History(state.history));
        }
        for (SourcedEvent event : stillWaiting) {
            entries.add(new UserStateEntry.Waiting(event));
        }
        if (entries.isEmpty()) {
            userState.clear();
        } else {
            userState.update(entries);
        }
        if (keepHistory && !state.historyStored) {
            metrics.userCreated();
        } else if (!keepHistory && state.historyStored) {
            metrics.userCleared();
        }
    }

    /** What {@link #load()} read. */
    private record LoadedState(UserHistory history, boolean historyStored, List<SourcedEvent> waiting) {}

    /** This subtask's metrics, once opened. */
    UserStateMetrics metrics() {
        return metrics;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        usersWithStateCheckpoint = context.getOperatorStateStore().getListState(USERS_WITH_STATE);
        long restored = 0;
        for (Long count : usersWithStateCheckpoint.get()) {
            restored += count;
        }
        restoredUsersWithState = restored;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        usersWithStateCheckpoint.update(List.of(metrics.usersWithState()));
    }
}
