package io.streamrec.flink.records;

import io.streamrec.schemas.Behavior;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The field encodings the record serializers share: strings as Flink's {@link StringValue} form (null allowed; read
 * back by the serializer's own {@link StringReader}), counts and times as variable-length integers, a
 * {@link Behavior}'s time relative to the one before it.
 */
final class RecordIo {

    private RecordIo() {}

    static void writeString(String value, DataOutputView out) throws IOException {
        StringValue.writeString(value, out);
    }

    static void writeVarLong(long value, DataOutputView out) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IOException("malformed variable-length integer");
    }

    static void writeCount(int count, DataOutputView out) throws IOException {
        writeVarLong(count, out);
    }

    static int readCount(DataInputView in) throws IOException {
        long count = readVarLong(in);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IOException("malformed count " + count);
        }
        return (int) count;
    }

    /** Zig-zag: small negative and positive differences both take few bytes. */
    static void writeSignedVarLong(long value, DataOutputView out) throws IOException {
        writeVarLong((value << 1) ^ (value >> 63), out);
    }

    static long readSignedVarLong(DataInputView in) throws IOException {
        long raw = readVarLong(in);
        return (raw >>> 1) ^ -(raw & 1);
    }

    static void writeStrings(List<String> values, DataOutputView out) throws IOException {
        writeCount(values.size(), out);
        for (String value : values) {
            writeString(value, out);
        }
    }

    static List<String> readStrings(StringReader strings, DataInputView in) throws IOException {
        int count = readCount(in);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(strings.read(in));
        }
        return values;
    }

    static void writeStringMap(Map<String, String> map, DataOutputView out) throws IOException {
        writeCount(map.size(), out);
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(e.getKey(), out);
            writeString(e.getValue(), out);
        }
    }

    static Map<String, String> readStringMap(StringReader strings, DataInputView in) throws IOException {
        int count = readCount(in);
        if (count == 0) {
            return new HashMap<>(0);
        }
        Map<String, String> map = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            map.put(strings.read(in), strings.read(in));
        }
        return map;
    }

    /** A behaviour, its timestamp written as the difference to {@code previousTime}. */
    static void writeBehavior(Behavior b, long previousTime, DataOutputView out) throws IOException {
        writeString(b.getEventId(), out);
        writeString(b.getItemId(), out);
        writeString(b.getEventType(), out);
        writeSignedVarLong(b.getTimestamp() - previousTime, out);
        writeString(b.getSessionId(), out);
        writeString(b.getLeafCategoryId(), out);
        writeString(b.getCategoryId(), out);
        writeString(b.getShopId(), out);
        writeString(b.getBrandId(), out);
        out.writeDouble(b.getWeight());
    }

    static Behavior readBehavior(StringReader strings, long previousTime, DataInputView in) throws IOException {
        String eventId = strings.read(in);
        String itemId = strings.read(in);
        String eventType = strings.read(in);
        long timestamp = previousTime + readSignedVarLong(in);
        return new Behavior(
                eventId,
                itemId,
                eventType,
                timestamp,
                strings.read(in),
                strings.read(in),
                strings.read(in),
                strings.read(in),
                strings.read(in),
                in.readDouble());
    }

    /** A field-by-field copy; the strings are immutable and shared. */
    static Behavior copy(Behavior b) {
        return new Behavior(
                b.getEventId(),
                b.getItemId(),
                b.getEventType(),
                b.getTimestamp(),
                b.getSessionId(),
                b.getLeafCategoryId(),
                b.getCategoryId(),
                b.getShopId(),
                b.getBrandId(),
                b.getWeight());
    }
}
