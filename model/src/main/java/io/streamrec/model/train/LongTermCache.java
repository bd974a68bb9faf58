package io.streamrec.model.train;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The long-term branch of each user's last encoding ({@link io.streamrec.model.encode.LongTermBranch}: for SDM, e_u and
 * p^u), so that an event whose long-term history and profile did not change recomputes only the session branch.
 *
 * <p>An entry is valid for one model version and one content: the {@link #fingerprint} of the snapshot's long-term
 * lists and profile. A session that closes, a long-term entry that expires or a profile that changes changes the
 * fingerprint, a new model version changes the version, and either way the next lookup misses and the branch is
 * computed again; nothing has to tell the cache. The fingerprint is a 64-bit hash of every id in order, so two
 * different histories share one with probability about 2^-64.
 *
 * <p>Bounded: past {@code capacity} users the least recently used entry goes. About 600 bytes per user at D=64.
 * Not thread-safe (one per encoder subtask).
 */
public final class LongTermCache {

    private record Entry(long version, long fingerprint, float[][] rows) {}

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries;
    private long hits;
    private long misses;

    public LongTermCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 user, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > LongTermCache.this.capacity;
            }
        };
    }

    /** The cached rows for this user at this model version and content, or null (counted as a miss). */
    float[][] get(String userId, long version, long fingerprint) {
        Entry entry = entries.get(userId);
        if (entry != null && entry.version == version && entry.fingerprint == fingerprint) {
            hits++;
            return entry.rows;
        }
        misses++;
        return null;
    }

    void put(String userId, long version, long fingerprint, float[][] rows) {
        entries.put(userId, new Entry(version, fingerprint, rows));
    }

    public int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Lookups answered from the cache so far. */
    public long hits() {
        return hits;
    }

    /** Lookups that had to compute the long-term branch so far. */
    public long misses() {
        return misses;
    }

    /** Drops every entry (the counters stay). */
    public void clear() {
        entries.clear();
    }

    /** A 64-bit hash of what the long-term branch reads: each feature's long-term ids in order, and the profile. */
    public static long fingerprint(FeatureSnapshot snapshot) {
        long h = 0x6A09E667F3BCC909L;
        LongTermFeatures longTerm = snapshot.getLongTerm();
        if (longTerm != null) {
            h = mixList(h, longTerm.getItem());
            h = mixList(h, longTerm.getLeafCategory());
            h = mixList(h, longTerm.getCategory());
            h = mixList(h, longTerm.getShop());
            h = mixList(h, longTerm.getBrand());
        }
        Map<String, String> profile = snapshot.getProfile();
        if (profile != null && !profile.isEmpty()) {
            long pairs = 0;
            for (Map.Entry<String, String> e : profile.entrySet()) {
                // order-independent: a map's iteration order says nothing about its content
                pairs += mix(hash(e.getKey()) ^ Long.rotateLeft(hash(e.getValue()), 17));
            }
            h = mix(h ^ pairs) + profile.size();
        }
        return h;
    }

    private static long mixList(long h, List<String> ids) {
        h = mix(h + ids.size());
        for (String id : ids) {
            h = mix(h ^ hash(id));
        }
        return h;
    }

    /** FNV-1a over the UTF-16 code units, 64 bits ({@link String#hashCode} collides too easily at 32). */
    private static long hash(String s) {
        if (s == null) {
            return 0x9E3779B97F4A7C15L;
        }
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
