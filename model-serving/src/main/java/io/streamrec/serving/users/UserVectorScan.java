package io.streamrec.serving.users;

import io.streamrec.schemas.UserVector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code user-vectors} record (a {@link UserVector} in Avro binary) only as far as the follower's decision
 * needs, in one pass that materialises nothing but the user id: the model name is compared as bytes, the model
 * version and event time are read, the vector's values are checked where they lie, and the event id and the recent
 * items are skipped. A record the store keeps goes in as the bytes that came; the full decode happens only when a
 * request reads the user.
 *
 * <p>The checks are those a full decode and the follower's validation make: every length within the bytes, nothing
 * after the record, a user id, a non-empty vector of finite values, and every interest as wide as the vector. Not
 * thread-safe (it reuses a scratch array); the follower's thread owns one.
 */
final class UserVectorScan {

    /** Why a record cannot be served; carries no stack trace, it is an expected outcome of bad input. */
    static final class UnservableVector extends Exception {
        private static final long serialVersionUID = 1L;

        UnservableVector(String why) {
            super(why, null, false, false);
        }
    }

    /** Avro's limits: five 7-bit groups for an int (string lengths), ten for a long (all else). */
    private static final int MAX_INT_BYTES = 5;

    private static final int MAX_LONG_BYTES = 10;

    private final byte[] modelName;
    private int[] interestWidths = new int[4];
    private byte[] bytes;
    private int position;
    /** Where the array block just begun must end, from its byte size; -1 where the writer gave none. */
    private long blockEnd;

    UserVectorScan(String modelName) {
        this.modelName = modelName.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @return the record's user, recency and bytes; null for a vector of another model (read no further than its
     *     model name)
     * @throws UnservableVector when the bytes are not a UserVector, or one that cannot be served
     */
    UserVectorStore.EncodedVector scan(byte[] record) throws UnservableVector {
        bytes = record;
        position = 0;
        try {
            int userIdLength = stringLength();
            int userIdStart = position;
            position += userIdLength;
            int modelNameLength = stringLength();
            boolean ours = Arrays.equals(bytes, position, position + modelNameLength, modelName, 0, modelName.length);
            if (!ours) {
                return null;
            }
            position += modelNameLength;
            long modelVersion = readLong();
            long eventTime = readLong();
            skipString(); // eventId
            int interests = readInterestWidths();
            int width = readVectorWidth();
            skipStrings(); // recentItems
            if (position != bytes.length) {
                throw new UnservableVector((bytes.length - position) + " of " + bytes.length
                        + " bytes remain after a complete UserVector");
            }
            if (userIdLength == 0) {
                throw new UnservableVector("empty userId");
            }
            if (width == 0) {
                throw new UnservableVector("empty vector");
            }
            for (int i = 0; i < interests; i++) {
                if (interestWidths[i] != width) {
                    throw new UnservableVector(
                            "an interest of width " + interestWidths[i] + " beside a vector of width " + width);
                }
            }
            String userId = new String(bytes, userIdStart, userIdLength, StandardCharsets.UTF_8);
            return new UserVectorStore.EncodedVector(userId, modelVersion, eventTime, record);
        } finally {
            bytes = null;
        }
    }

    /** {@code interests}: an array of float arrays; their widths go to {@link #interestWidths}. */
    private int readInterestWidths() throws UnservableVector {
        int interests = 0;
        for (long block = blockCount(); block != 0; block = blockCount()) {
            long end = blockEnd;
            for (long i = 0; i < block; i++) {
                if (interests == interestWidths.length) {
                    interestWidths = Arrays.copyOf(interestWidths, interests * 2);
                }
                interestWidths[interests++] = skipFloats(false);
            }
            checkBlockEnd(end);
        }
        return interests;
    }

    /** {@code vector}: an array of floats, each of which must be finite. */
    private int readVectorWidth() throws UnservableVector {
        return skipFloats(true);
    }

    /** An array of floats, block by block, checked finite if {@code finite}; its length. */
    private int skipFloats(boolean finite) throws UnservableVector {
        long width = 0;
        for (long block = blockCount(); block != 0; block = blockCount()) {
            long end = blockEnd;
            if (block > (bytes.length - position) / Float.BYTES) {
                throw endsEarly();
            }
            if (finite) {
                for (long i = 0; i < block; i++) {
                    int bits = (bytes[position] & 0xFF)
                            | (bytes[position + 1] & 0xFF) << 8
                            | (bytes[position + 2] & 0xFF) << 16
                            | (bytes[position + 3] & 0xFF) << 24;
                    position += Float.BYTES;
                    if ((bits & 0x7F800000) == 0x7F800000) {
                        throw new UnservableVector("a non-finite value in the vector");
                    }
                }
            } else {
                position += (int) block * Float.BYTES;
            }
            width += block;
            checkBlockEnd(end);
        }
        return (int) width; // every block fitted in the bytes, so the sum does too
    }

    private void skipStrings() throws UnservableVector {
        for (long block = blockCount(); block != 0; block = blockCount()) {
            long end = blockEnd;
            for (long i = 0; i < block; i++) {
                skipString();
            }
            checkBlockEnd(end);
        }
    }

    /**
     * The item count of the next block of an array, 0 at its end. A negative count is followed by the block's size in
     * bytes (a hint for skipping), kept in {@link #blockEnd} so that a block whose items disagree with it is refused.
     */
    private long blockCount() throws UnservableVector {
        long count = readLong();
        blockEnd = -1;
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new UnservableVector("not a UserVector: a malformed array block count");
            }
            long size = readLong();
            if (size < 0 || size > bytes.length - position) {
                throw new UnservableVector("not a UserVector: an array block's size does not fit the bytes");
            }
            blockEnd = position + size;
            count = -count;
        }
        return count;
    }

    private void checkBlockEnd(long end) throws UnservableVector {
        if (end >= 0 && position != end) {
            throw new UnservableVector("not a UserVector: an array block's items disagree with its size");
        }
    }

    private void skipString() throws UnservableVector {
        int length = stringLength(); // before the +=, which would read the position from before the length's bytes
        position += length;
    }

    /** A string's length in bytes, checked to fit in the bytes left. */
    private int stringLength() throws UnservableVector {
        int length = readInt();
        if (length < 0) {
            throw new UnservableVector("not a UserVector: a negative string length");
        }
        if (length > bytes.length - position) {
            throw endsEarly();
        }
        return length;
    }

    /** A zig-zag varint of an int, as Avro reads string lengths: groups past 32 bits are dropped, as there. */
    private int readInt() throws UnservableVector {
        int raw = 0;
        for (int i = 0; i < MAX_INT_BYTES; i++) {
            int b = nextByte();
            raw |= (b & 0x7F) << (7 * i);
            if (b < 0x80) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new UnservableVector("not a UserVector: an int runs over " + MAX_INT_BYTES + " bytes");
    }

    /** A zig-zag varint of a long, as Avro writes longs and array block counts. */
    private long readLong() throws UnservableVector {
        long raw = 0;
        for (int i = 0; i < MAX_LONG_BYTES; i++) {
            int b = nextByte();
            raw |= (long) (b & 0x7F) << (7 * i);
            if (b < 0x80) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new UnservableVector("not a UserVector: a long runs over " + MAX_LONG_BYTES + " bytes");
    }

    private int nextByte() throws UnservableVector {
        if (position == bytes.length) {
            throw endsEarly();
        }
        return bytes[position++] & 0xFF;
    }

    private static UnservableVector endsEarly() {
        return new UnservableVector("not a UserVector: the bytes end before the record does");
    }
}
