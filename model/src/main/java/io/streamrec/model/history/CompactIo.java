package io.streamrec.model.history;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Variable-length primitives of the compact state formats: LEB128 varints (zig-zag for signed
 * values) and strings as a varint byte length followed by UTF-8. Small numbers and short ids, which
 * is most of a user's history, take one byte of length instead of the two or four of
 * {@link DataOutput#writeUTF}/{@link DataOutput#writeInt}.
 */
final class CompactIo {
    /** A varint longer than this is corrupt: ten 7-bit groups hold any 64-bit value. */
    private static final int MAX_VARINT_BYTES = 10;
    /**
     * Longest string a record may hold, in bytes: far above any id or profile value validation lets
     * through, low enough that a corrupt length fails at once instead of allocating gigabytes.
     */
    static final int MAX_STRING_BYTES = 1 << 20;

    private CompactIo() {}

    static void writeVarLong(long value, DataOutput out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInput in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("corrupt state record: a varint runs over " + MAX_VARINT_BYTES + " bytes");
    }

    static void writeSignedVarLong(long value, DataOutput out) throws IOException {
        writeVarLong((value << 1) ^ (value >> 63), out);
    }

    static long readSignedVarLong(DataInput in) throws IOException {
        long zigzag = readVarLong(in);
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    static void writeCount(int count, DataOutput out) throws IOException {
        writeVarLong(count, out);
    }

    /** A non-negative count, at most {@code max}: a larger one means the bytes are not what this format wrote. */
    static int readCount(DataInput in, int max) throws IOException {
        long count = readVarLong(in);
        if (count < 0 || count > max) {
            throw new IOException("corrupt state record: a count of " + count + " where at most " + max + " fit");
        }
        return (int) count;
    }

    static void writeString(String s, DataOutput out) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeCount(utf8.length, out);
        out.write(utf8);
    }

    static String readString(DataInput in) throws IOException {
        byte[] utf8 = new byte[readCount(in, MAX_STRING_BYTES)];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
