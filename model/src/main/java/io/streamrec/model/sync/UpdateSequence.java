package io.streamrec.model.sync;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which a consumer applies model versions, whatever order the chunks arrive in: chunks are gathered
 * until their version is complete; a FULL update is handed out as soon as it is complete and newer than anything
 * handed out before; a DELTA is handed out once the version it is based on has been, so deltas come in version
 * order; a delta on any other base is held until the missing versions arrive or the next FULL makes it obsolete.
 * Versions at or below the last one handed out are ignored, so replays and duplicates are harmless.
 *
 * <p>Knows nothing of what the versions are applied to: the encoder replicas and the serving index share it
 * (through {@link ReplicaSync}). Not thread-safe.
 */
public final class UpdateSequence {

    /** Complete deltas kept waiting for a base; past it the oldest are dropped (the next FULL supersedes them). */
    static final int MAX_HELD_DELTAS = 1_000;

    private final Map<Long, List<ModelUpdate>> partial = new HashMap<>();
    /** Complete deltas waiting for their base, by base version. */
    private final TreeMap<Long, CompleteUpdate> held = new TreeMap<>();

    private long version;
    private boolean hasFull;

    /** The version of the newest update handed out; 0 before the first FULL. */
    public long version() {
        return version;
    }

    /** Complete deltas waiting for their base version. */
    public int heldDeltas() {
        return held.size();
    }

    /**
     * Takes one chunk and returns the versions it makes ready, in the order to apply them (empty if none): a FULL,
     * if this chunk completed one, then every held delta that now follows on.
     *
     * @throws IllegalArgumentException if the chunk's own header is inconsistent (nothing is changed then)
     */
    public List<CompleteUpdate> offer(ModelUpdate chunk) {
        checkHeader(chunk);
        if (chunk.getVersion() <= version) {
            return List.of();
        }
        List<ModelUpdate> chunks = partial.computeIfAbsent(chunk.getVersion(), v -> new ArrayList<>());
        if (chunks.stream().anyMatch(c -> c.getChunkIndex() == chunk.getChunkIndex())) {
            return List.of();
        }
        chunks.add(chunk);
        if (chunks.size() < chunk.getChunkCount()) {
            return List.of();
        }
        partial.remove(chunk.getVersion());
        chunks.sort(Comparator.comparingInt(ModelUpdate::getChunkIndex));
        CompleteUpdate update = new CompleteUpdate(chunks);
        List<CompleteUpdate> ready = new ArrayList<>();
        if (update.isFull()) {
            ready.add(update);
            advanceTo(update.version());
            hasFull = true;
        } else {
            CompleteUpdate other = held.get(update.baseVersion());
            if (other == null || other.version() < update.version()) {
                held.put(update.baseVersion(), update);
            }
            while (held.size() > MAX_HELD_DELTAS) {
                held.pollFirstEntry();
            }
        }
        while (hasFull && held.containsKey(version)) {
            CompleteUpdate next = held.remove(version);
            ready.add(next);
            advanceTo(next.version());
        }
        return ready;
    }

    /**
     * Goes back to {@code appliedVersion} after its consumer refused a version handed out after it: later deltas
     * then wait for their base again (in practice, for the next FULL), and the refused version is not skipped over.
     */
    public void rewind(long appliedVersion) {
        version = appliedVersion;
        hasFull = appliedVersion > 0;
    }

    private void advanceTo(long newVersion) {
        version = newVersion;
        held.headMap(newVersion, false).clear();
        held.values().removeIf(d -> d.version() <= newVersion);
        partial.keySet().removeIf(v -> v <= newVersion);
    }

    private static void checkHeader(ModelUpdate chunk) {
        if (chunk.getChunkCount() < 1 || chunk.getChunkIndex() < 0 || chunk.getChunkIndex() >= chunk.getChunkCount()) {
            throw new IllegalArgumentException("chunk " + chunk.getChunkIndex() + " of " + chunk.getChunkCount()
                    + " of version " + chunk.getVersion() + " is out of range");
        }
        if (chunk.getVersion() <= 0) {
            throw new IllegalArgumentException("version " + chunk.getVersion() + " is not positive");
        }
        if (chunk.getKind() == UpdateKind.DELTA
                && (chunk.getBaseVersion() == null || chunk.getBaseVersion() >= chunk.getVersion())) {
            throw new IllegalArgumentException("DELTA version " + chunk.getVersion()
                    + " needs a baseVersion below it, got " + chunk.getBaseVersion());
        }
    }
}
