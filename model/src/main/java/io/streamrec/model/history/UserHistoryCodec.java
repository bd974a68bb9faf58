package io.streamrec.model.history;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compact binary form of {@link UserHistory} for keyed state: no field names, no schema, strings as
 * modified UTF-8. Flink's {@code DataOutputView}/{@code DataInputView} are {@link DataOutput}/{@link
 * DataInput}, so the state serializer delegates here and the format stays testable without Flink.
 *
 * <p>Each record starts with a format version. Changing the layout (for instance when the
 * {@code Behavior} schema gains a field) means a new version whose reader still reads the old ones.
 */
public final class UserHistoryCodec {
    /** The layout written by {@link #write}. */
    public static final int FORMAT_VERSION = 1;

    private UserHistoryCodec() {}

    public static void write(UserHistory history, DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        writeNullableString(history.lastEventId, out);
        out.writeLong(history.lastEventTime);
        out.writeLong(history.sessionStart);
        out.writeLong(history.sessionsClosed);
        out.writeInt(history.session.size());
        for (Behavior b : history.session) {
            writeBehavior(b, out);
        }
        for (Feature f : Feature.values()) {
            out.writeInt(history.longTerm.size(f));
            for (Map.Entry<String, Long> entry : history.longTerm.entries(f)) {
                out.writeUTF(entry.getKey());
                out.writeLong(entry.getValue());
            }
        }
        out.writeInt(history.recentEventIds.size());
        for (String id : history.recentEventIds.oldestFirst()) {
            out.writeUTF(id);
        }
        out.writeLong(history.profileUpdatedAt);
        out.writeInt(history.profile.size());
        for (Map.Entry<String, String> e : history.profile.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    public static UserHistory read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("user history written in format version " + version + " but this build reads only "
                    + FORMAT_VERSION + "; restore the state with the build that wrote it, or add a reader for that version");
        }
        UserHistory history = new UserHistory();
        history.lastEventId = readNullableString(in);
        history.lastEventTime = in.readLong();
        history.sessionStart = in.readLong();
        history.sessionsClosed = in.readLong();
        for (int i = in.readInt(); i > 0; i--) {
            history.session.add(readBehavior(in));
        }
        for (Feature f : Feature.values()) {
            for (int i = in.readInt(); i > 0; i--) {
                history.longTerm.restore(f, in.readUTF(), in.readLong());
            }
        }
        for (int i = in.readInt(); i > 0; i--) {
            history.recentEventIds.add(in.readUTF(), Integer.MAX_VALUE);
        }
        history.profileUpdatedAt = in.readLong();
        int profileSize = in.readInt();
        Map<String, String> profile = new LinkedHashMap<>(profileSize * 2);
        for (int i = 0; i < profileSize; i++) {
            profile.put(in.readUTF(), in.readUTF());
        }
        history.profile = profile;
        return history;
    }

    private static void writeBehavior(Behavior b, DataOutput out) throws IOException {
        out.writeUTF(b.getEventId());
        out.writeUTF(b.getItemId());
        out.writeUTF(b.getEventType());
        out.writeLong(b.getTimestamp());
        writeNullableString(b.getSessionId(), out);
        writeNullableString(b.getLeafCategoryId(), out);
        writeNullableString(b.getCategoryId(), out);
        writeNullableString(b.getShopId(), out);
        writeNullableString(b.getBrandId(), out);
        out.writeDouble(b.getWeight());
    }

    private static Behavior readBehavior(DataInput in) throws IOException {
        return new Behavior(
                in.readUTF(),
                in.readUTF(),
                in.readUTF(),
                in.readLong(),
                readNullableString(in),
                readNullableString(in),
                readNullableString(in),
                readNullableString(in),
                readNullableString(in),
                in.readDouble());
    }

    private static void writeNullableString(String s, DataOutput out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullableString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
