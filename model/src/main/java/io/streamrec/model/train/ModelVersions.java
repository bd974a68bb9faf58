package io.streamrec.model.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model versions a trainer has published, each with the training step it captured, so a delta
 * since version v can carry exactly the rows changed after v's step. Versions strictly increase and
 * are checkpointed with the trainer, so they keep increasing across restarts.
 */
public final class ModelVersions {

    private final TreeMap<Long, Long> stepByVersion = new TreeMap<>();
    private long latest;

    /** Allocates the next version for the state at {@code step}. */
    public long next(long step) {
        stepByVersion.put(++latest, step);
        return latest;
    }

    /**
     * Makes the next version greater than {@code version}, so consumers never see a version go
     * backwards: for a trainer started without a checkpoint whose topic already holds versions (read
     * the latest from {@code model-updates} first), and after a restore, when the lost run may have
     * published versions past its checkpoint. Never lowers the counter.
     */
    public void startAfter(long version) {
        latest = Math.max(latest, version);
    }

    /** The last allocated version, 0 before the first. */
    public long latest() {
        return latest;
    }

    /** The training step that {@code version} captured. */
    public long stepAt(long version) {
        Long step = stepByVersion.get(version);
        if (step == null) {
            throw new IllegalArgumentException("version " + version + " is unknown to this trainer (kept: "
                    + (stepByVersion.isEmpty() ? "none" : stepByVersion.firstKey() + ".." + latest)
                    + "); publish a FULL update instead of a delta");
        }
        return step;
    }

    /** Forgets versions older than {@code version}: no delta will be based on them. */
    public void forgetBefore(long version) {
        stepByVersion.headMap(version).clear();
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(latest);
        out.writeInt(stepByVersion.size());
        for (Map.Entry<Long, Long> e : stepByVersion.entrySet()) {
            out.writeLong(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    void readFrom(DataInput in) throws IOException {
        latest = in.readLong();
        int count = in.readInt();
        stepByVersion.clear();
        for (int i = 0; i < count; i++) {
            stepByVersion.put(in.readLong(), in.readLong());
        }
    }
}
