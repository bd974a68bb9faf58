package io.streamrec.flink.records;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.types.StringValue;

/**
 * Reads strings in the form {@link StringValue#writeString} writes them, into a character buffer of its own: the
 * number of characters plus one (0 for null), then each UTF-16 character, both as variable-length integers of 7-bit
 * groups, low group first. {@link StringValue#readString} borrows its buffer from a {@code ThreadLocal} for every
 * string, and on the encoder's and trainer's task threads those look-ups (missing in a crowded thread-local map) were
 * among the hottest Java frames.
 *
 * <p>Not thread-safe: each serializer instance owns one, and Flink gives every thread its own serializer instance
 * through {@code duplicate()}.
 */
final class StringReader {
    /** A buffer grown past this for one long string is not kept, so one outlier does not pin its memory. */
    static final int KEPT_CAPACITY = 2048;

    private char[] buffer = new char[64];

    /** The next string, or null where the writer wrote null. */
    String read(DataInputView in) throws IOException {
        int lengthPlusOne = in.readUnsignedByte();
        if (lengthPlusOne >= 0x80) {
            lengthPlusOne = readLengthRest(lengthPlusOne, in);
        }
        if (lengthPlusOne == 0) {
            return null;
        }
        int length = lengthPlusOne - 1;
        char[] chars = length <= buffer.length ? buffer : bufferFor(length);
        for (int i = 0; i < length; i++) {
            int c = in.readUnsignedByte();
            if (c >= 0x80) {
                c = readCharRest(c, in);
            }
            chars[i] = (char) c;
        }
        return new String(chars, 0, length);
    }

    private char[] bufferFor(int length) {
        if (length > KEPT_CAPACITY) {
            return new char[length];
        }
        buffer = new char[Math.min(KEPT_CAPACITY, Math.max(length, buffer.length * 2))];
        return buffer;
    }

    /** The rest of a length whose first byte was {@code first}: up to five groups hold any non-negative int. */
    private static int readLengthRest(int first, DataInputView in) throws IOException {
        int value = first & 0x7F;
        for (int shift = 7; shift <= 28; shift += 7) {
            int b = in.readUnsignedByte();
            if (b < 0x80) {
                value |= b << shift;
                if (value < 0) {
                    break;
                }
                return value;
            }
            value |= (b & 0x7F) << shift;
        }
        throw new IOException("malformed string: its length does not fit an int");
    }

    /** The rest of a character whose first byte was {@code first}: three groups hold any UTF-16 unit. */
    private static int readCharRest(int first, DataInputView in) throws IOException {
        int value = first & 0x7F;
        for (int shift = 7; shift <= 14; shift += 7) {
            int b = in.readUnsignedByte();
            if (b < 0x80) {
                value |= b << shift;
                if (value > Character.MAX_VALUE) {
                    break;
                }
                return value;
            }
            value |= (b & 0x7F) << shift;
        }
        throw new IOException("malformed string: a character does not fit 16 bits");
    }
}
