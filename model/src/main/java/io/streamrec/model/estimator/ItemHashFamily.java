package io.streamrec.model.estimator;

/**
 * m seeded hash functions h_i: item id → [0, H). The id's UTF-16 code units are hashed once to 64
 * bits (MurmurHash3 x64 body under the family seed, so ids need no byte encoding and no
 * allocation); function i then mixes that key with its own seed (seeds drawn from the family seed
 * by SplitMix64) through MurmurHash3's fmix64, and Lemire's multiply-shift reduces it to a slot.
 * Two ids collide in every function only if their 64-bit keys collide (about n²/2^65 for n ids), so
 * the functions behave as independent while the string is read once, not m times.
 *
 * <p>Stateless after construction and safe to share between threads.
 */
final class ItemHashFamily {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private final long familySeed;
    private final long[] seeds;
    private final int slots;

    ItemHashFamily(int functions, int slots, long familySeed) {
        this.slots = slots;
        this.familySeed = familySeed;
        this.seeds = new long[functions];
        long state = familySeed;
        for (int i = 0; i < functions; i++) {
            state += 0x9E3779B97F4A7C15L;
            seeds[i] = mix64(state);
        }
    }

    int functions() {
        return seeds.length;
    }

    /** The 64-bit key of an id, shared by all functions. */
    long key(CharSequence id) {
        return hash(id, familySeed);
    }

    /** h_i(id) ∈ [0, H), from the id's {@link #key}. */
    int slot(int function, long key) {
        long h = mix64(key ^ seeds[function]);
        return (int) (((h >>> 32) * slots) >>> 32);
    }

    /** h_i(id) ∈ [0, H). */
    int slot(int function, CharSequence id) {
        return slot(function, key(id));
    }

    /** The seeded 64-bit hash: MurmurHash3 x64 body over 4 chars per block, fmix64 finaliser. */
    static long hash(CharSequence id, long seed) {
        int length = id.length();
        long h = seed ^ (length * 0x9E3779B97F4A7C15L);
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            long block = id.charAt(i)
                    | (long) id.charAt(i + 1) << 16
                    | (long) id.charAt(i + 2) << 32
                    | (long) id.charAt(i + 3) << 48;
            h ^= scramble(block);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        if (i < length) {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 16) {
                tail |= (long) id.charAt(i) << shift;
            }
            h ^= scramble(tail);
        }
        return mix64(h ^ length);
    }

    private static long scramble(long block) {
        return Long.rotateLeft(block * C1, 31) * C2;
    }

    /** MurmurHash3's fmix64: every input bit affects every output bit. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
