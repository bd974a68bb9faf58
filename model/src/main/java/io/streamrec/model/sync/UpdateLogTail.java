package io.streamrec.model.sync;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads what a consumer needs from the end of an update log (one partition of {@code model-updates}) without
 * reading all of it: the newest version published, and where the newest complete FULL update starts. The log is
 * read backwards in growing windows (16, 256, 4096... records): versions are written in increasing order, so the
 * answer is in the tail, and the windows grow because some offsets hold no update (transaction markers).
 */
public final class UpdateLogTail {

    private static final int FIRST_WINDOW = 16;

    /** One partition of the log, read by offset; the transport (Kafka) is the caller's. */
    public interface Log {

        /** The first offset held. */
        long start();

        /** One past the last offset held. */
        long end();

        /** The updates at offsets in [{@code from}, {@code to}), in offset order. */
        List<Positioned> read(long from, long to);
    }

    /** An update and its offset in the log. */
    public record Positioned(long offset, ModelUpdate update) {}

    private UpdateLogTail() {}

    /** The highest version in the log, 0 when it holds none. */
    public static long latestVersion(Log log) {
        long start = log.start();
        long end = log.end();
        for (long window = FIRST_WINDOW; ; window *= 16) {
            long from = Math.max(start, end - window);
            long latest = 0;
            for (Positioned p : log.read(from, end)) {
                latest = Math.max(latest, p.update().getVersion());
            }
            if (latest > 0 || from == start) {
                return latest;
            }
        }
    }

    /**
     * The offset of the first chunk of the newest FULL update of {@code modelName} whose chunks are all in the
     * log: a consumer that reads from there gets a whole model and every delta after it. Empty when the log holds
     * no complete FULL of that model (then read from the start and wait for one).
     */
    public static OptionalLong newestFullStart(Log log, String modelName) {
        long start = log.start();
        long end = log.end();
        for (long window = FIRST_WINDOW; ; window *= 16) {
            long from = Math.max(start, end - window);
            OptionalLong found = newestCompleteFull(log.read(from, end), modelName);
            if (found.isPresent() || from == start) {
                return found;
            }
        }
    }

    private static OptionalLong newestCompleteFull(List<Positioned> records, String modelName) {
        Map<Long, Set<Integer>> chunks = new HashMap<>();
        Map<Long, Long> firstOffset = new HashMap<>();
        long best = -1;
        long bestOffset = -1;
        for (Positioned p : records) {
            ModelUpdate u = p.update();
            if (u.getKind() != UpdateKind.FULL || !modelName.equals(u.getModelName())) {
                continue;
            }
            Set<Integer> seen = chunks.computeIfAbsent(u.getVersion(), v -> new HashSet<>());
            seen.add(u.getChunkIndex());
            firstOffset.merge(u.getVersion(), p.offset(), Math::min);
            if (seen.size() == u.getChunkCount() && u.getVersion() > best) {
                best = u.getVersion();
                bestOffset = firstOffset.get(u.getVersion());
            }
        }
        return best < 0 ? OptionalLong.empty() : OptionalLong.of(bestOffset);
    }
}
