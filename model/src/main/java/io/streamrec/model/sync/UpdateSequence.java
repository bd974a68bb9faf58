package io.streamrec.model.sync;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order in which a consumer applies model versions, whatever order the chunks arrive in: chunks are gathered
 * until their version is complete; a FULL update is handed out as soon as it is complete and newer than anything
 * handed out before; a DELTA is handed out once the version it is based on has been, so deltas come in version
 * order; a delta on any other base is held until the missing versions arrive or the next FULL makes it obsolete.
 *
 * <p>What cannot be applied is refused with its reason ({@link UpdateRefusal}) and changes nothing:
 *
 * <ul>
 *   <li>a chunk whose header contradicts itself (index out of range, a delta not based below its version) or the
 *       chunks of its version already gathered (count, kind, base, model, creation time): {@code corrupt}; a chunk
 *       that contradicts a gathered version replaces it, since a producer that restarted a version writes all of it;
 *   <li>a version older than the last one handed out: {@code stale-version}, once per version (a repeat of the
 *       version just handed out is a harmless duplicate and is dropped silently);
 *   <li>a complete version the {@link UpdateValidator} refuses (a foreign model's spec, non-finite values...): it is
 *       dropped before it can move the sequence, so a bad version, however high, never makes good ones obsolete;
 *   <li>a version whose chunks never all arrived, once a newer version makes it obsolete or more than
 *       {@link #MAX_PARTIAL_VERSIONS} versions are incomplete at once: {@code truncated}. A version this consumer
 *       joined midway (no chunk 0, before its first FULL, as after a restart from a checkpointed offset) is dropped
 *       silently: it was not cut short, this consumer came late.
 * </ul>
 *
 * <p>Knows nothing of what the versions are applied to: the encoder replicas and the serving index share it
 * (through {@link ReplicaSync}). Not thread-safe.
 */
public final class UpdateSequence {

    /** Complete deltas kept waiting for a base; past it the oldest are dropped (the next FULL supersedes them). */
    static final int MAX_HELD_DELTAS = 1_000;
    /** Incomplete versions gathered at once; one producer writes one version at a time, so more means lost chunks. */
    static final int MAX_PARTIAL_VERSIONS = 4;
    /** Stale versions remembered so each is refused once, not once per chunk. */
    private static final int REMEMBERED_STALE = 64;

    /** Incomplete versions, in the order their first chunk arrived. */
    private final Map<Long, Partial> partial = new LinkedHashMap<>();
    /** Complete deltas waiting for their base, by base version. */
    private final TreeMap<Long, CompleteUpdate> held = new TreeMap<>();

    private final Set<Long> staleRefused = new LinkedHashSet<>();
    private final UpdateValidator validator;

    private long version;
    private boolean hasFull;

    /** The chunks of one version gathered so far. */
    private static final class Partial {
        final List<ModelUpdate> chunks = new ArrayList<>();
        /** No chunk 0 and no FULL handed out when its first chunk came: this consumer started in its middle. */
        final boolean joinedMidway;

        Partial(boolean joinedMidway) {
            this.joinedMidway = joinedMidway;
        }

        ModelUpdate first() {
            return chunks.get(0);
        }

        String describe() {
            ModelUpdate c = first();
            TreeSet<Integer> have = new TreeSet<>();
            chunks.forEach(x -> have.add(x.getChunkIndex()));
            return (c.getKind() == UpdateKind.FULL
                            ? "FULL version " + c.getVersion()
                            : "DELTA version " + c.getVersion() + " on " + c.getBaseVersion())
                    + " has chunks " + have + " of " + c.getChunkCount();
        }
    }

    /** With the {@link UpdateValidator#standard() standard} checks. */
    public UpdateSequence() {
        this(UpdateValidator.standard());
    }

    /** {@code validator} checks each complete version before it is handed out or held. */
    public UpdateSequence(UpdateValidator validator) {
        this.validator = validator;
    }

    /** The version of the newest update handed out; 0 before the first FULL. */
    public long version() {
        return version;
    }

    /** Complete deltas waiting for their base version. */
    public int heldDeltas() {
        return held.size();
    }

    /** Versions of which some chunks but not all have arrived. */
    public int partialVersions() {
        return partial.size();
    }

    /**
     * Takes one chunk and returns the versions it makes ready, in the order to apply them (empty if none): a FULL,
     * if this chunk completed one, then every held delta that now follows on. Adds to {@code refused} why this chunk,
     * or a version it made obsolete, will never be handed out.
     */
    public List<CompleteUpdate> offer(ModelUpdate chunk, List<UpdateRefusal> refused) {
        String header = headerProblem(chunk);
        if (header != null) {
            refused.add(new UpdateRefusal(UpdateRefusal.Reason.CORRUPT, header));
            return List.of();
        }
        long v = chunk.getVersion();
        if (v <= version) {
            if (v < version && staleRefused.add(v)) {
                refused.add(new UpdateRefusal(
                        UpdateRefusal.Reason.STALE_VERSION,
                        describe(chunk) + " is older than version " + version
                                + " already applied (versions only go forward: a second trainer, or a replay "
                                + "of an old log, writes to this topic)"));
                while (staleRefused.size() > REMEMBERED_STALE) {
                    staleRefused.remove(staleRefused.iterator().next());
                }
            }
            return List.of();
        }
        Partial gathered = partial.get(v);
        if (gathered != null) {
            String conflict = conflict(gathered.first(), chunk);
            if (conflict != null) {
                partial.remove(v);
                refused.add(new UpdateRefusal(
                        UpdateRefusal.Reason.CORRUPT,
                        gathered.describe() + " dropped: chunk " + chunk.getChunkIndex() + " of version " + v + " says "
                                + conflict + "; gathering that version again from this chunk"));
                gathered = null;
            } else if (gathered.chunks.stream().anyMatch(c -> c.getChunkIndex() == chunk.getChunkIndex())) {
                return List.of();
            }
        }
        if (gathered == null) {
            gathered = new Partial(!hasFull && chunk.getChunkIndex() != 0);
            partial.put(v, gathered);
            dropExcessPartials(refused);
        }
        gathered.chunks.add(chunk);
        if (gathered.chunks.size() < chunk.getChunkCount()) {
            return List.of();
        }
        partial.remove(v);
        List<ModelUpdate> chunks = new ArrayList<>(gathered.chunks);
        chunks.sort(Comparator.comparingInt(ModelUpdate::getChunkIndex));
        CompleteUpdate update = new CompleteUpdate(chunks);
        try {
            validator.validate(update);
        } catch (RefusedUpdateException e) {
            refused.add(e.refusal());
            return List.of();
        }
        List<CompleteUpdate> ready = new ArrayList<>();
        if (update.isFull()) {
            ready.add(update);
            advanceTo(update.version(), refused);
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
            advanceTo(next.version(), refused);
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

    private void advanceTo(long newVersion, List<UpdateRefusal> refused) {
        version = newVersion;
        held.headMap(newVersion, false).clear();
        held.values().removeIf(d -> d.version() <= newVersion);
        for (Iterator<Map.Entry<Long, Partial>> it = partial.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Partial> e = it.next();
            if (e.getKey() <= newVersion) {
                it.remove();
                truncated(e.getValue(), "version " + newVersion + " was applied first", refused);
            }
        }
    }

    private void dropExcessPartials(List<UpdateRefusal> refused) {
        while (partial.size() > MAX_PARTIAL_VERSIONS) {
            Iterator<Partial> oldest = partial.values().iterator();
            Partial dropped = oldest.next();
            oldest.remove();
            truncated(dropped, MAX_PARTIAL_VERSIONS + " newer versions started since", refused);
        }
    }

    private static void truncated(Partial p, String why, List<UpdateRefusal> refused) {
        if (!p.joinedMidway) {
            refused.add(new UpdateRefusal(
                    UpdateRefusal.Reason.TRUNCATED, p.describe() + " and will never be complete: " + why));
        }
    }

    /** How {@code chunk} contradicts {@code first}, a chunk of the same version; null if it does not. */
    private static String conflict(ModelUpdate first, ModelUpdate chunk) {
        if (first.getChunkCount() != chunk.getChunkCount()) {
            return chunk.getChunkCount() + " chunks, not " + first.getChunkCount();
        }
        if (first.getKind() != chunk.getKind()) {
            return "kind " + chunk.getKind() + ", not " + first.getKind();
        }
        if (!Objects.equals(first.getBaseVersion(), chunk.getBaseVersion())) {
            return "base version " + chunk.getBaseVersion() + ", not " + first.getBaseVersion();
        }
        if (!first.getModelName().equals(chunk.getModelName())) {
            return "model '" + chunk.getModelName() + "', not '" + first.getModelName() + "'";
        }
        if (first.getCreatedAt() != chunk.getCreatedAt()) {
            return "it was created at " + chunk.getCreatedAt() + ", not " + first.getCreatedAt();
        }
        return null;
    }

    private static String describe(ModelUpdate chunk) {
        return (chunk.getKind() == UpdateKind.FULL
                        ? "FULL version " + chunk.getVersion()
                        : "DELTA version " + chunk.getVersion() + " on " + chunk.getBaseVersion())
                + " of model '" + chunk.getModelName() + "'";
    }

    private static String headerProblem(ModelUpdate chunk) {
        if (chunk.getChunkCount() < 1 || chunk.getChunkIndex() < 0 || chunk.getChunkIndex() >= chunk.getChunkCount()) {
            return "chunk " + chunk.getChunkIndex() + " of " + chunk.getChunkCount() + " of version "
                    + chunk.getVersion() + " is out of range";
        }
        if (chunk.getVersion() <= 0) {
            return "version " + chunk.getVersion() + " is not positive";
        }
        if (chunk.getKind() == UpdateKind.DELTA
                && (chunk.getBaseVersion() == null || chunk.getBaseVersion() >= chunk.getVersion())) {
            return "DELTA version " + chunk.getVersion() + " needs a baseVersion below it, got "
                    + chunk.getBaseVersion();
        }
        if (chunk.getKind() == UpdateKind.FULL && chunk.getChunkIndex() == 0 && chunk.getSpec() == null) {
            return "chunk 0 of FULL version " + chunk.getVersion() + " carries no model spec";
        }
        return null;
    }
}
