package io.streamrec.flink.encode;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.flink.records.FeatureSnapshotSerializer;
import io.streamrec.model.sync.EncoderReplica;
import io.streamrec.model.sync.RefusedUpdateException;
import io.streamrec.model.sync.ReplicaSync;
import io.streamrec.model.sync.UpdateRefusal;
import io.streamrec.model.sync.UpdateRefusalLog;
import io.streamrec.model.sync.UpdateValidator;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.model.train.LongTermCache;
import io.streamrec.model.train.SessionBuckets;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each {@link FeatureSnapshot} into a {@link UserVector} with the latest model it holds (docs/design.md, "Architecture" and "Model sync").
 *
 * <p><b>Input 1</b>, feature snapshots (forward from the user state): micro-batched per subtask and encoded once the
 * batch holds {@link EncoderOperatorConfig#MAX_BATCH_RECORDS} snapshots or its first has waited its deadline (a
 * processing-time timer), whichever comes first, as Flink's bundle operators do. The deadline follows the arrival rate
 * within {@link EncoderOperatorConfig#LATENCY_BUDGET} ({@link BatchDeadline}); at low rates a snapshot is encoded as
 * it arrives. A batch is encoded in sub-batches of similar session length ({@link SessionBuckets}), and an encoder
 * with a long-term branch (SDM) takes it from a per-user {@link LongTermCache} wherever the user's long-term history,
 * profile and the model version are unchanged, so most events recompute only their session. A watermark, a checkpoint barrier ({@link #prepareSnapshotPreBarrier}) and the end of input flush
 * the batch first, so no vector is emitted behind a forwarded watermark and no snapshot lives only in memory at a
 * checkpoint.
 *
 * <p><b>A user in a burst</b> (a bot, a bulk import: thousands of events at once) must not make everybody else's
 * vectors wait for a forward pass per burst event. A user's snapshots beyond {@value #USER_SHARE} in one batch wait
 * aside ({@link DeferredSnapshots}), in order, and take {@value #USER_SHARE} places of each later batch, so the
 * other users' snapshots keep their batches and deadlines while the burst is encoded with a quarter of the
 * encoder at most. Every snapshot still gets its vector, later, while at most {@code encoder-max-pending} wait aside (the bound of the snapshots kept before a first model);
 * past that, a waiting user's newer snapshot supersedes its older waiting ones ({@code snapshotsSuperseded}), which
 * the compacted {@code user-vectors} topic would overwrite anyway, so a burst costs a bounded number of forward
 * passes, not one per event. Waiting snapshots are checkpointed with the operator; they are the one exception to the
 * watermark rule above (a watermark does not wait for them).
 *
 * <p><b>Input 2</b>, {@link ModelUpdate} chunks broadcast from {@code model-updates}: applied to this operator's own
 * copy of the weights ({@link EncoderReplica}, rebuilt from each FULL's model spec) by the model-sync rules every
 * consumer shares ({@link ReplicaSync}): FULL updates, then deltas in version order on the version held; a delta on
 * another base waits for the next FULL. Chunks of another model sharing the topic are ignored (counted, and logged
 * once per model). A bad update (corrupt, truncated, of a foreign model, a version going backwards, non-finite
 * weights) is refused whole, counted by reason ({@code updatesRejected}), logged with its reason (at most once per
 * reason every few seconds, {@link UpdateRefusalLog}), and the operator goes on encoding with the last good version
 * until the next good FULL. A FULL is built on a background thread beside the
 * model in use and swapped in by the task thread at a batch boundary: building a whole model grows with the catalogue
 * (on this 2-core machine under load, 40-200 ms for 10k items and 0.3-1.6 s for 100k items, SDM, D=64), and the swap
 * itself is a reference swap; the price is a second copy of the weights while a FULL is built. Deltas apply on the task
 * thread between batches. So every batch is encoded by exactly one version, versions on the output never go
 * backwards, and the stream never waits for a large FULL.
 *
 * <p>Each vector carries the user's recent items (session, then long-term, newest first, without repeats, at most
 * {@link EncoderOperatorConfig#MAX_RECENT_ITEMS}), for servers that exclude seen items.
 *
 * <p><b>Cold start and recovery.</b> Until the first FULL arrives nothing is emitted: snapshots are kept pending
 * (bounded, see {@link PendingSnapshots}), the operator logs once that it waits, and every pending snapshot is
 * encoded when the model arrives. Pending snapshots are operator state, so they survive a restore. The replica
 * itself is not checkpointed (it can be far larger than the state it serves): after a restore it is empty, the
 * trainer publishes a FULL when it starts, and the operator keeps snapshots pending until that FULL reaches it
 * through the model-updates source.
 *
 * <p>Metrics: see {@link EncoderMetrics}. Grad mode is off on the task thread (DJL records autograd per thread).
 */
public final class UserVectorEncoderOperator extends AbstractStreamOperator<UserVector>
        implements TwoInputStreamOperator<FeatureSnapshot, ModelUpdate, UserVector> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UserVectorEncoderOperator.class);
    /** Stable uid of the encoder operator, so savepoints (its pending feature snapshots) survive code changes. */
    public static final String UID = "user-vector-encoder";

    static final String PENDING_STATE = "pending-feature-snapshots";
    /** How often an idle subtask looks whether a FULL being assembled is complete. */
    static final long ASSEMBLY_POLL_MS = 10;
    /** The batch deadline's starting guess of a forward pass's fixed cost, until batches are measured. */
    private static final Duration PRIOR_PASS_COST = Duration.ofMillis(1);
    /** ... and of its cost per user. */
    private static final Duration PRIOR_USER_COST = Duration.ofNanos(60_000);
    /**
     * A user's snapshots in one batch beyond which its next ones wait aside, and the places of each batch the
     * snapshots aside take: a quarter of the default batch.
     */
    static final int USER_SHARE = 64;

    private final EncoderOperatorConfig config;

    private transient ReplicaSync<EncoderReplica> replica;
    private transient List<FeatureSnapshot> batch;
    /** Snapshots per user in {@link #batch}. */
    private transient Map<String, Integer> inBatch;

    private transient DeferredSnapshots deferred;
    private transient ScheduledFuture<?> batchDeadline;
    /** When {@link #batchDeadline} fires (processing time, ms). */
    private transient long batchDeadlineAt;

    private transient ScheduledFuture<?> assemblyPoll;
    private transient PendingSnapshots pending;
    private transient ListState<FeatureSnapshot> pendingState;
    private transient EncoderMetrics metrics;
    private transient boolean waitingLogged;
    private transient BatchDeadline deadline;
    private transient LongTermCache longTermCache;
    private transient UpdateRefusalLog refusalLog;
    private transient Set<String> otherModelsSeen;

    public UserVectorEncoderOperator(EncoderOperatorConfig config) {
        this.config = config;
    }

    /**
     * Adds the encoder to a job graph: encodes {@code snapshots} with the model carried by {@code modelUpdates},
     * named and with uid {@value #UID}.
     *
     * @param snapshots    the user state's feature snapshots; the encoder takes their parallelism, so it chains to
     *                     the user-state operator (a forward edge, no shuffle)
     * @param modelUpdates every chunk of {@code model-updates}, read from the earliest offset with no watermarks;
     *                     broadcast here, so every encoder subtask holds the same versions
     * @return user vectors, to be written to the compacted {@code user-vectors} topic keyed by userId
     */
    public static SingleOutputStreamOperator<UserVector> attach(
            DataStream<FeatureSnapshot> snapshots, DataStream<ModelUpdate> modelUpdates, EncoderOperatorConfig config) {
        return snapshots
                .connect(modelUpdates.broadcast())
                .transform(
                        "encode user vectors (" + config.encoderName() + ")",
                        new AvroTypeInfo<>(UserVector.class),
                        new UserVectorEncoderOperator(config))
                .setParallelism(snapshots.getParallelism())
                .uid(UID);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pendingState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(PENDING_STATE, new FeatureSnapshotSerializer()));
        pending = new PendingSnapshots(config.get(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS));
        for (FeatureSnapshot snapshot : pendingState.get()) {
            pending.add(snapshot);
        }
        if (context.isRestored() && !pending.isEmpty()) {
            LOG.info("restored {} feature snapshots that wait for a model", pending.size());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        // loads the native library first: JniUtils alone fails with UnsatisfiedLinkError when this operator is
        // the first DJL user in the JVM (the trainer, starting in parallel, may not have loaded it yet)
        Engine.getEngine("PyTorch");
        JniUtils.setGradMode(false);
        replica = new ReplicaSync<>(
                EncoderReplica::fromFull,
                EncoderReplica::close,
                UpdateValidator.standard(),
                "model-assembler-" + config.encoderName() + "-"
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        batch = new ArrayList<>(config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS));
        inBatch = new HashMap<>();
        deferred = new DeferredSnapshots(config.get(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS));
        deadline = new BatchDeadline(
                config.get(EncoderOperatorConfig.LATENCY_BUDGET),
                config.get(EncoderOperatorConfig.MAX_BATCH_DELAY),
                config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS),
                PRIOR_PASS_COST,
                PRIOR_USER_COST);
        longTermCache = config.get(EncoderOperatorConfig.LONG_TERM_CACHE_USERS) > 0
                ? new LongTermCache(config.get(EncoderOperatorConfig.LONG_TERM_CACHE_USERS))
                : null;
        metrics = new EncoderMetrics(getMetricGroup(), longTermCache, deadline);
        refusalLog = new UpdateRefusalLog(
                LOG,
                "encoder '" + config.encoderName() + "' (subtask "
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + ")");
        otherModelsSeen = new HashSet<>();
        metrics.pending(pending.size(), pending.dropped());
        if (!pending.isEmpty()) {
            logWaiting();
        }
    }

    @Override
    public void processElement1(StreamRecord<FeatureSnapshot> element) {
        swapIfAssembled();
        if (!replica.ready()) {
            pending.add(element.getValue());
            metrics.pending(pending.size(), pending.dropped());
            logWaiting();
            return;
        }
        deadline.arrived(getProcessingTimeService().getCurrentProcessingTime() * 1_000_000);
        FeatureSnapshot snapshot = element.getValue();
        String user = snapshot.getUserId();
        if (deferred.holds(user) || inBatch.getOrDefault(user, 0) >= USER_SHARE) {
            deferred.add(snapshot);
            metrics.deferred(deferred.size(), deferred.superseded());
            if (batchFull()) {
                flush();
            } else {
                scheduleDeferred();
            }
            return;
        }
        batch.add(snapshot);
        inBatch.merge(user, 1, Integer::sum);
        if (batchFull()) {
            flush();
        } else if (batch.size() == 1) {
            long wait = deadline.waitMillis();
            metrics.batchWait(wait);
            if (wait == 0) {
                flush();
                return;
            }
            flushAt(getProcessingTimeService().getCurrentProcessingTime() + wait);
        }
    }

    /** Full: the batch and the places it keeps for snapshots waiting aside hold {@code maxBatchRecords}. */
    private boolean batchFull() {
        return batch.size() + Math.min(USER_SHARE, deferred.size())
                >= config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS);
    }

    /** Sets the batch's deadline to {@code at}, unless one is set already that comes no later. */
    private void flushAt(long at) {
        if (batchDeadline != null) {
            if (batchDeadlineAt <= at) {
                return;
            }
            batchDeadline.cancel(false);
        }
        batchDeadlineAt = at;
        batchDeadline = getProcessingTimeService().registerTimer(at, time -> {
            batchDeadline = null;
            flush();
        });
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) {
        ModelUpdate update = element.getValue();
        if (!config.encoderName().equals(update.getModelName())) {
            metrics.updatesOfOtherModels.inc();
            if (otherModelsSeen.size() < 16 && otherModelsSeen.add(update.getModelName())) {
                LOG.info(
                        "model-updates also carries model '{}'; this encoder runs '{}' and ignores it",
                        update.getModelName(),
                        config.encoderName());
            }
            return;
        }
        replica.offer(update).forEach(this::refused);
        metrics.model(replica.version(), replica.heldDeltas());
        swapIfAssembled();
        pollAssembly();
    }

    /** While a FULL is assembled off the task thread, looks for its completion even when no snapshot arrives. */
    private void pollAssembly() {
        if (replica.assembling() && assemblyPoll == null) {
            long at = getProcessingTimeService().getCurrentProcessingTime() + ASSEMBLY_POLL_MS;
            assemblyPoll = getProcessingTimeService().registerTimer(at, time -> {
                assemblyPoll = null;
                swapIfAssembled();
                pollAssembly();
            });
        }
    }

    /** At a batch boundary: takes the assembled FULL, if any, and encodes what waited for a first model. */
    private void swapIfAssembled() {
        if (!replica.assembling()) {
            return;
        }
        ReplicaSync.Swap swap;
        long started = System.nanoTime();
        try {
            swap = replica.swapIfAssembled();
        } catch (RefusedUpdateException e) {
            refused(e.refusal());
            return;
        }
        if (swap == null) {
            return;
        }
        metrics.model(replica.version(), replica.heldDeltas());
        metrics.fullAssembled(swap.assemblyMillis());
        LOG.info(
                "encoder '{}' swapped in FULL version {} (was {}; assembled off the task thread in {} ms, swapped in {} ms),"
                        + " now at {}",
                config.encoderName(),
                swap.version(),
                swap.previousVersion(),
                swap.assemblyMillis(),
                (System.nanoTime() - started) / 1_000_000,
                replica.version());
        swap.refusals().forEach(this::refused);
        if (swap.first()) {
            List<FeatureSnapshot> waiting = pending.drain();
            metrics.pending(0, pending.dropped());
            if (!waiting.isEmpty()) {
                LOG.info(
                        "encoder '{}' has its first model; encoding the {} snapshots that waited for it",
                        config.encoderName(),
                        waiting.size());
            }
            for (int from = 0; from < waiting.size(); from += config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS)) {
                encodeAndEmit(waiting.subList(
                        from, Math.min(waiting.size(), from + config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS))));
            }
        }
    }

    private void refused(UpdateRefusal refusal) {
        metrics.rejected(refusal);
        refusalLog.refused(refusal, replica.version());
    }

    private void logWaiting() {
        if (!waitingLogged) {
            waitingLogged = true;
            LOG.info(
                    "encoder waiting for model: no FULL update of '{}' on model-updates yet; snapshots pending: {} "
                            + "(up to {}, then the latest per user)",
                    config.encoderName(),
                    pending.size(),
                    config.get(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS));
        }
    }

    /**
     * Encodes the current batch, topped up with at most {@value #USER_SHARE} snapshots that wait aside, and cancels
     * its deadline; with snapshots still aside, the next batch's deadline is set for them.
     */
    private void flush() {
        swapIfAssembled();
        if (batchDeadline != null) {
            batchDeadline.cancel(false);
            batchDeadline = null;
        }
        deferred.takeInto(
                batch,
                Math.min(USER_SHARE, config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS) - batch.size()),
                USER_SHARE);
        if (!batch.isEmpty()) {
            List<FeatureSnapshot> full = batch;
            batch = new ArrayList<>(config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS));
            inBatch.clear();
            encodeAndEmit(full);
        }
        metrics.deferred(deferred.size(), deferred.superseded());
        scheduleDeferred();
    }

    /** Snapshots wait aside and no batch deadline is set: one batch delay from now, the next batch takes some. */
    private void scheduleDeferred() {
        if (!deferred.isEmpty() && batchDeadline == null) {
            flushAt(getProcessingTimeService().getCurrentProcessingTime()
                    + Math.max(
                            1, config.get(EncoderOperatorConfig.MAX_BATCH_DELAY).toMillis()));
        }
    }

    /** At the end of input: encodes everything, the snapshots aside included. */
    private void flushAll() {
        swapIfAssembled();
        if (batchDeadline != null) {
            batchDeadline.cancel(false);
            batchDeadline = null;
        }
        do {
            deferred.takeInto(
                    batch,
                    config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS) - batch.size(),
                    config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS));
            if (!batch.isEmpty()) {
                List<FeatureSnapshot> full = batch;
                batch = new ArrayList<>(config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS));
                inBatch.clear();
                encodeAndEmit(full);
            }
        } while (!deferred.isEmpty());
        metrics.deferred(0, deferred.superseded());
    }

    private void encodeAndEmit(List<FeatureSnapshot> snapshots) {
        long started = System.nanoTime();
        List<EncodedUser> encoded = replica.current().encode(snapshots, SessionBuckets.DEFAULT, longTermCache);
        long took = System.nanoTime() - started;
        deadline.encoded(snapshots.size(), took);
        metrics.batchEncoded(snapshots.size(), took / 1_000_000);
        long version = replica.version();
        long now = System.currentTimeMillis();
        for (int i = 0; i < snapshots.size(); i++) {
            FeatureSnapshot snapshot = snapshots.get(i);
            metrics.vectorEmitted(snapshot.getEventTime(), now);
            output.collect(new StreamRecord<>(userVector(snapshot, encoded.get(i), version), snapshot.getEventTime()));
        }
    }

    private UserVector userVector(FeatureSnapshot snapshot, EncodedUser encoded, long version) {
        List<List<Float>> interests = new ArrayList<>(encoded.interests().length);
        for (float[] interest : encoded.interests()) {
            interests.add(boxed(interest));
        }
        return UserVector.newBuilder()
                .setUserId(snapshot.getUserId())
                .setModelName(config.encoderName())
                .setModelVersion(version)
                .setEventTime(snapshot.getEventTime())
                .setEventId(snapshot.getEventId())
                .setInterests(interests)
                .setVector(boxed(encoded.vector()))
                .setRecentItems(recentItems(snapshot, config.get(EncoderOperatorConfig.MAX_RECENT_ITEMS)))
                .build();
    }

    /** The session's items, then the long-term items, newest first, each once, at most {@code max}. */
    static List<String> recentItems(FeatureSnapshot snapshot, int max) {
        Set<String> recent = new LinkedHashSet<>();
        List<Behavior> session = snapshot.getSession();
        for (int i = session.size() - 1; i >= 0 && recent.size() < max; i--) {
            recent.add(session.get(i).getItemId());
        }
        List<String> longTerm = snapshot.getLongTerm().getItem();
        for (int i = longTerm.size() - 1; i >= 0 && recent.size() < max; i--) {
            recent.add(longTerm.get(i));
        }
        return new ArrayList<>(recent);
    }

    private static List<Float> boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        Arrays.setAll(boxed, i -> values[i]);
        return Arrays.asList(boxed);
    }

    /** Flushes first, so a watermark never overtakes the vectors of the snapshots that preceded it. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (replica.ready()) {
            flush();
        }
        // model updates carry no event time: only the snapshots' watermark is forwarded
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // model updates carry no event time and must not hold back the vectors' watermark
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // the batch is empty after prepareSnapshotPreBarrier; kept anyway for callers that snapshot without it
        List<FeatureSnapshot> unencoded = new ArrayList<>(pending.view());
        unencoded.addAll(batch);
        unencoded.addAll(deferred.view());
        pendingState.update(unencoded);
    }

    @Override
    public void finish() throws Exception {
        replica.awaitAssembly();
        swapIfAssembled();
        if (replica.ready()) {
            flushAll();
        } else if (!pending.isEmpty()) {
            LOG.warn(
                    "input ended before any model of '{}' arrived: {} snapshots were never encoded",
                    config.encoderName(),
                    pending.size());
        }
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (replica != null) {
                replica.close();
            }
        } finally {
            super.close();
        }
    }

    /** The model version encoding now; 0 before the first FULL. */
    long modelVersion() {
        return replica.version();
    }

    /** Snapshots kept until the first model arrives. */
    int pendingSnapshots() {
        return pending.size();
    }

    /** Updates refused so far. */
    long updatesRejected() {
        return metrics.updatesRejected.getCount();
    }

    /** Snapshots waiting aside for room in a later batch. */
    int deferredSnapshots() {
        return deferred.size();
    }

    /** Snapshots superseded while they waited aside. */
    long supersededSnapshots() {
        return deferred.superseded();
    }

    /** Chunks of other models ignored so far. */
    long updatesOfOtherModels() {
        return metrics.updatesOfOtherModels.getCount();
    }

    /** Updates refused so far for {@code reason}. */
    long updatesRejected(UpdateRefusal.Reason reason) {
        return metrics.rejected(reason);
    }

    /** Complete deltas waiting for their base version. */
    int heldDeltas() {
        return replica.heldDeltas();
    }
}
