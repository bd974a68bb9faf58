package io.streamrec.flink.encode;

import io.streamrec.model.sync.UpdateRefusal;
import io.streamrec.model.train.LongTermCache;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The encoder operator's metrics, in the {@code encoder} group of each subtask: {@code vectorsOut},
 * {@code updatesRejected} (model updates refused, also counted by reason in the group {@code reason}, e.g.
 * {@code encoder.reason.corrupt.updatesRejected}), {@code updatesOfOtherModels} (chunks of another model on the topic,
 * ignored), {@code pendingDropped} (counters); {@code batchSize}, {@code encodeLatencyMs}
 * (histograms over the last {@value #WINDOW} batches), {@code eventTimeLagMs} (over the last {@value #WINDOW}
 * vectors); {@code modelVersion}, {@code pending}, {@code heldDeltas}
 * and {@code lastFullAssemblyMs} (gauges; the time the last FULL took to assemble off the task thread),
 * {@code batchWaitMs} (the deadline last given to a batch) and {@code arrivalsPerSecond} (what it was set from), and
 * with the long-term cache on {@code longTermCacheHits}, {@code longTermCacheMisses} and {@code longTermCacheUsers};
 * {@code deferred} (gauge: snapshots of users over their share of a batch, waiting for room) and
 * {@code snapshotsSuperseded} (counter: waiting snapshots replaced by a newer one of the same user).
 */
final class EncoderMetrics {
    static final String GROUP = "encoder";
    private static final int WINDOW = 1024;

    final Counter vectorsOut;
    final Counter updatesRejected;
    final Counter updatesOfOtherModels;
    private final Map<UpdateRefusal.Reason, Counter> rejectedByReason = new EnumMap<>(UpdateRefusal.Reason.class);
    final Counter pendingDropped;
    final Counter snapshotsSuperseded;
    final Histogram batchSize;
    final Histogram encodeLatencyMs;
    /** Wall-clock time at emission minus the event time of the event a vector reflects: live, the event→vector latency. */
    final Histogram eventTimeLagMs;
    /** Written by the task thread only; read by metric reporters. */
    private volatile long modelVersion;

    private volatile int pending;
    private volatile int heldDeltas;
    private volatile long lastFullAssemblyMs;

    private volatile long batchWaitMs;
    private volatile int deferred;

    EncoderMetrics(MetricGroup operatorGroup, LongTermCache longTermCache, BatchDeadline deadline) {
        MetricGroup group = operatorGroup.addGroup(GROUP);
        this.vectorsOut = group.counter("vectorsOut");
        this.updatesRejected = group.counter("updatesRejected");
        for (UpdateRefusal.Reason reason : UpdateRefusal.Reason.values()) {
            rejectedByReason.put(
                    reason, group.addGroup("reason", reason.label()).counter("updatesRejected"));
        }
        this.updatesOfOtherModels = group.counter("updatesOfOtherModels");
        this.pendingDropped = group.counter("pendingDropped");
        this.snapshotsSuperseded = group.counter("snapshotsSuperseded");
        group.gauge("deferred", () -> deferred);
        this.batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
        this.encodeLatencyMs = group.histogram("encodeLatencyMs", new DescriptiveStatisticsHistogram(WINDOW));
        this.eventTimeLagMs = group.histogram("eventTimeLagMs", new DescriptiveStatisticsHistogram(WINDOW));
        group.gauge("modelVersion", () -> modelVersion);
        group.gauge("pending", () -> pending);
        group.gauge("heldDeltas", () -> heldDeltas);
        group.gauge("lastFullAssemblyMs", () -> lastFullAssemblyMs);
        group.gauge("batchWaitMs", () -> batchWaitMs);
        group.gauge("arrivalsPerSecond", () -> deadline.ratePerMs() * 1000);
        group.gauge("busyShare", deadline::busyShare);
        if (longTermCache != null) {
            group.gauge("longTermCacheHits", longTermCache::hits);
            group.gauge("longTermCacheMisses", longTermCache::misses);
            group.gauge("longTermCacheUsers", longTermCache::size);
        }
    }

    void rejected(UpdateRefusal refusal) {
        updatesRejected.inc();
        rejectedByReason.get(refusal.reason()).inc();
    }

    long rejected(UpdateRefusal.Reason reason) {
        return rejectedByReason.get(reason).getCount();
    }

    void batchEncoded(int size, long latencyMs) {
        batchSize.update(size);
        encodeLatencyMs.update(latencyMs);
        vectorsOut.inc(size);
    }

    void batchWait(long millis) {
        this.batchWaitMs = millis;
    }

    /** A vector left for the event of {@code eventTime} (epoch ms) at {@code nowMillis}. */
    void vectorEmitted(long eventTime, long nowMillis) {
        eventTimeLagMs.update(nowMillis - eventTime);
    }

    void model(long version, int held) {
        this.modelVersion = version;
        this.heldDeltas = held;
    }

    void fullAssembled(long millis) {
        this.lastFullAssemblyMs = millis;
    }

    void deferred(int count, long supersededSoFar) {
        this.deferred = count;
        snapshotsSuperseded.inc(supersededSoFar - snapshotsSuperseded.getCount());
    }

    void pending(int count, long droppedSoFar) {
        this.pending = count;
        pendingDropped.inc(droppedSoFar - pendingDropped.getCount());
    }
}
