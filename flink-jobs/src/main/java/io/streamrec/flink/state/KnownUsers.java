package io.streamrec.flink.state;

/**
 * A Bloom filter of the users this subtask has stored a history for: when it says no, the user has no
 * state, and the operator skips the RocksDB read (a miss costs a search of the memtables and every
 * level, and most events of a large, fresh user population are a user's first).
 *
 * <p>Never a false "no": every stored user is added, and the filter is rebuilt from the state's keys
 * on start and restore. It is not checkpointed, so it rescales with the state for free. Cleared users
 * stay in it, and past its capacity it answers "maybe" more often; either only costs a read.
 *
 * <p>Not thread-safe: the task thread owns it.
 */
final class KnownUsers {
    /** 2^23 bits (1 MiB): about 3 % false positives at a million users on one subtask. */
    static final int DEFAULT_BITS_LOG2 = 23;

    private static final int HASHES = 3;

    private final long[] words;
    private final long bitMask;

    KnownUsers() {
        this(DEFAULT_BITS_LOG2);
    }

    KnownUsers(int bitsLog2) {
        if (bitsLog2 < 6 || bitsLog2 > 36) {
            throw new IllegalArgumentException("bitsLog2 must be in [6, 36], was " + bitsLog2);
        }
        this.words = new long[(int) (1L << (bitsLog2 - 6))];
        this.bitMask = (1L << bitsLog2) - 1;
    }

    void add(String user) {
        long hash = hash(user);
        long step = (hash >>> 32) | 1;
        for (int i = 0; i < HASHES; i++) {
            long bit = (hash + i * step) & bitMask;
            words[(int) (bit >>> 6)] |= 1L << bit;
        }
    }

    /** False only when {@code user} was never {@link #add added}. */
    boolean mightContain(String user) {
        long hash = hash(user);
        long step = (hash >>> 32) | 1;
        for (int i = 0; i < HASHES; i++) {
            long bit = (hash + i * step) & bitMask;
            if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the characters, then SplitMix64's finaliser so both halves are well mixed. */
    private static long hash(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001B3L;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
