package io.streamrec.model.history;

import static io.streamrec.model.history.CompactIo.readCount;
import static io.streamrec.model.history.CompactIo.readSignedVarLong;
import static io.streamrec.model.history.CompactIo.readString;
import static io.streamrec.model.history.CompactIo.readVarLong;
import static io.streamrec.model.history.CompactIo.writeCount;
import static io.streamrec.model.history.CompactIo.writeSignedVarLong;
import static io.streamrec.model.history.CompactIo.writeString;
import static io.streamrec.model.history.CompactIo.writeVarLong;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of {@link UserHistory} in keyed state: no field names and no schema. Flink's
 * {@code DataOutputView}/{@code DataInputView} are {@link DataOutput}/{@link DataInput}, so the state
 * serializer delegates here and the format stays testable without Flink.
 *
 * <p>Each record starts with its format version. Changing the layout (for instance when the
 * {@code Behavior} schema gains a field) means a new version, and, once a build with this one has
 * shipped, a reader for it beside the new one.
 *
 * <p>Every user event costs a RocksDB read and write of this record, and RocksDB's cost per event grows
 * with the value's size (block cache misses, memtable and compaction bytes), so the format stores
 * nothing twice and nothing at full width that is usually small:
 * <ul>
 *   <li>varints for counts, zig-zag varint deltas for times (each behaviour from the previous one, each
 *       long-term entry from the previous entry of its feature), UTF-8 strings after a varint length;</li>
 *   <li>a byte of flags per behaviour for its optional ids; the event type as a one-byte code from
 *       {@link #TYPE_CODES}, and its weight only when it differs from that code's default reward;</li>
 *   <li>the last event's id and time, and the session start, only where they are not the session's last
 *       and first behaviour (after any applied event they are);</li>
 *   <li>of the dedup memory, only the ids before the trailing run it shares with the session (the ids of
 *       the session's events are the newest it holds).</li>
 * </ul>
 */
public final class UserHistoryCodec {
    /** The layout written by {@link #write}. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Event types with a one-byte code, by code, and the reward a behaviour of that type
     * carries by default. Frozen with the format: a decoded record must not change meaning when
     * {@code EventType} gains a type or a new default.
     */
    private static final String[] TYPE_CODES = {"view", "click", "rate", "fav", "cart", "buy"};

    private static final double[] TYPE_DEFAULT_WEIGHTS = {1.0, 1.0, 1.0, 2.0, 2.0, 4.0};
    private static final int TYPE_NOT_CODED = -1;

    // record flags
    private static final int HAS_EVENTS = 1;
    private static final int LAST_EVENT_IS_SESSION_TAIL = 1 << 1;
    private static final int SESSION_START_IS_FIRST_BEHAVIOR = 1 << 2;
    private static final int HAS_PROFILE = 1 << 3;

    // behaviour flags: the first five mark which optional ids follow
    private static final int HAS_SESSION_ID = 1;
    private static final int HAS_LEAF_CATEGORY = 1 << 1;
    private static final int HAS_CATEGORY = 1 << 2;
    private static final int HAS_SHOP = 1 << 3;
    private static final int HAS_BRAND = 1 << 4;
    private static final int TYPE_IS_CODED = 1 << 5;
    private static final int WEIGHT_IS_DEFAULT = 1 << 6;

    /** Bounds on the counts a record may declare; larger ones mean corrupt bytes, not a big user. */
    private static final int MAX_ENTRIES = 1 << 20;

    private UserHistoryCodec() {}

    public static void write(UserHistory history, DataOutput out) throws IOException {
        List<Behavior> session = history.session;
        Behavior first = session.isEmpty() ? null : session.get(0);
        Behavior last = session.isEmpty() ? null : session.get(session.size() - 1);
        boolean lastEventIsTail = history.hasEvents()
                && last != null
                && history.lastEventId.equals(last.getEventId())
                && history.lastEventTime == last.getTimestamp();
        boolean sessionStartIsFirst = first != null && history.sessionStart == first.getTimestamp();
        int flags = (history.hasEvents() ? HAS_EVENTS : 0)
                | (lastEventIsTail ? LAST_EVENT_IS_SESSION_TAIL : 0)
                | (sessionStartIsFirst ? SESSION_START_IS_FIRST_BEHAVIOR : 0)
                | (history.hasProfile() ? HAS_PROFILE : 0);

        out.writeByte(FORMAT_VERSION);
        out.writeByte(flags);
        writeVarLong(history.sessionsClosed, out);
        if (!lastEventIsTail) {
            if (history.hasEvents()) {
                writeString(history.lastEventId, out);
            }
            writeSignedVarLong(history.lastEventTime, out);
        }
        if (!sessionStartIsFirst) {
            writeSignedVarLong(history.sessionStart, out);
        }
        writeCount(session.size(), out);
        long previousTime = 0;
        for (Behavior b : session) {
            writeBehavior(b, previousTime, out);
            previousTime = b.getTimestamp();
        }
        writeLongTerm(history.longTerm, out);
        writeRecentEventIds(history.recentEventIds, session, out);
        if (history.hasProfile()) {
            writeSignedVarLong(history.profileUpdatedAt, out);
            writeCount(history.profile.size(), out);
            for (Map.Entry<String, String> e : history.profile.entrySet()) {
                writeString(e.getKey(), out);
                writeString(e.getValue(), out);
            }
        }
    }

    public static UserHistory read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("user history written in format version " + version + " but this build reads "
                    + FORMAT_VERSION + "; restore the state with the build that wrote it, or add a reader for that "
                    + "version");
        }
        int flags = in.readUnsignedByte();
        UserHistory history = new UserHistory();
        history.sessionsClosed = readVarLong(in);
        boolean hasEvents = (flags & HAS_EVENTS) != 0;
        boolean lastEventIsTail = hasEvents && (flags & LAST_EVENT_IS_SESSION_TAIL) != 0;
        if (!lastEventIsTail) {
            if (hasEvents) {
                history.lastEventId = readString(in);
            }
            history.lastEventTime = readSignedVarLong(in);
        }
        boolean sessionStartIsFirst = (flags & SESSION_START_IS_FIRST_BEHAVIOR) != 0;
        if (!sessionStartIsFirst) {
            history.sessionStart = readSignedVarLong(in);
        }
        int sessionSize = readCount(in, MAX_ENTRIES);
        long previousTime = 0;
        for (int i = 0; i < sessionSize; i++) {
            Behavior b = readBehavior(previousTime, in);
            history.session.add(b);
            previousTime = b.getTimestamp();
        }
        if (lastEventIsTail || sessionStartIsFirst) {
            if (sessionSize == 0) {
                throw new IOException("corrupt user history: its flags refer to the session's behaviours, but the "
                        + "session is empty");
            }
            if (lastEventIsTail) {
                Behavior last = history.session.get(sessionSize - 1);
                history.lastEventId = last.getEventId();
                history.lastEventTime = last.getTimestamp();
            }
            if (sessionStartIsFirst) {
                history.sessionStart = history.session.get(0).getTimestamp();
            }
        }
        readLongTerm(history.longTerm, in);
        readRecentEventIds(history.recentEventIds, history.session, in);
        if ((flags & HAS_PROFILE) != 0) {
            history.profileUpdatedAt = readSignedVarLong(in);
            int size = readCount(in, MAX_ENTRIES);
            Map<String, String> profile = new LinkedHashMap<>(size * 2);
            for (int i = 0; i < size; i++) {
                profile.put(readString(in), readString(in));
            }
            history.profile = profile;
        }
        return history;
    }

    private static void writeBehavior(Behavior b, long previousTime, DataOutput out) throws IOException {
        int type = typeCode(b.getEventType());
        boolean weightIsDefault = type != TYPE_NOT_CODED
                && Double.doubleToLongBits(b.getWeight()) == Double.doubleToLongBits(TYPE_DEFAULT_WEIGHTS[type]);
        int flags = (b.getSessionId() != null ? HAS_SESSION_ID : 0)
                | (b.getLeafCategoryId() != null ? HAS_LEAF_CATEGORY : 0)
                | (b.getCategoryId() != null ? HAS_CATEGORY : 0)
                | (b.getShopId() != null ? HAS_SHOP : 0)
                | (b.getBrandId() != null ? HAS_BRAND : 0)
                | (type != TYPE_NOT_CODED ? TYPE_IS_CODED : 0)
                | (weightIsDefault ? WEIGHT_IS_DEFAULT : 0);
        out.writeByte(flags);
        writeString(b.getEventId(), out);
        writeString(b.getItemId(), out);
        if (type != TYPE_NOT_CODED) {
            out.writeByte(type);
        } else {
            writeString(b.getEventType(), out);
        }
        writeSignedVarLong(b.getTimestamp() - previousTime, out);
        writeOptional(b.getSessionId(), out);
        writeOptional(b.getLeafCategoryId(), out);
        writeOptional(b.getCategoryId(), out);
        writeOptional(b.getShopId(), out);
        writeOptional(b.getBrandId(), out);
        if (!weightIsDefault) {
            out.writeDouble(b.getWeight());
        }
    }

    private static Behavior readBehavior(long previousTime, DataInput in) throws IOException {
        int flags = in.readUnsignedByte();
        String eventId = readString(in);
        String itemId = readString(in);
        String eventType;
        int type = TYPE_NOT_CODED;
        if ((flags & TYPE_IS_CODED) != 0) {
            type = in.readUnsignedByte();
            if (type >= TYPE_CODES.length) {
                throw new IOException("corrupt user history: event type code " + type + " where codes go up to "
                        + (TYPE_CODES.length - 1));
            }
            eventType = TYPE_CODES[type];
        } else {
            eventType = readString(in);
        }
        long timestamp = previousTime + readSignedVarLong(in);
        String sessionId = (flags & HAS_SESSION_ID) != 0 ? readString(in) : null;
        String leafCategoryId = (flags & HAS_LEAF_CATEGORY) != 0 ? readString(in) : null;
        String categoryId = (flags & HAS_CATEGORY) != 0 ? readString(in) : null;
        String shopId = (flags & HAS_SHOP) != 0 ? readString(in) : null;
        String brandId = (flags & HAS_BRAND) != 0 ? readString(in) : null;
        double weight;
        if ((flags & WEIGHT_IS_DEFAULT) != 0) {
            if (type == TYPE_NOT_CODED) {
                throw new IOException("corrupt user history: a behaviour of uncoded type '" + eventType
                        + "' claims its type's default weight");
            }
            weight = TYPE_DEFAULT_WEIGHTS[type];
        } else {
            weight = in.readDouble();
        }
        return new Behavior(
                eventId, itemId, eventType, timestamp, sessionId, leafCategoryId, categoryId, shopId, brandId, weight);
    }

    /** A byte with a bit per non-empty feature, then each such feature's entries, times as deltas. */
    private static void writeLongTerm(LongTermHistory longTerm, DataOutput out) throws IOException {
        int nonEmpty = 0;
        for (Feature f : Feature.values()) {
            if (longTerm.size(f) > 0) {
                nonEmpty |= 1 << f.ordinal();
            }
        }
        out.writeByte(nonEmpty);
        for (Feature f : Feature.values()) {
            if (longTerm.size(f) == 0) {
                continue;
            }
            writeCount(longTerm.size(f), out);
            long previous = 0;
            for (Map.Entry<String, Long> entry : longTerm.entries(f)) {
                writeString(entry.getKey(), out);
                writeSignedVarLong(entry.getValue() - previous, out);
                previous = entry.getValue();
            }
        }
    }

    private static void readLongTerm(LongTermHistory longTerm, DataInput in) throws IOException {
        int nonEmpty = in.readUnsignedByte();
        for (Feature f : Feature.values()) {
            if ((nonEmpty & (1 << f.ordinal())) == 0) {
                continue;
            }
            long previous = 0;
            for (int i = readCount(in, MAX_ENTRIES); i > 0; i--) {
                String id = readString(in);
                previous += readSignedVarLong(in);
                longTerm.restore(f, id, previous);
            }
        }
    }

    /**
     * The dedup memory as the ids before its trailing run shared with the session's event ids, then the
     * length of that run (which the reader takes back from the session).
     */
    private static void writeRecentEventIds(RecentEventIds recent, List<Behavior> session, DataOutput out)
            throws IOException {
        List<String> ids = new ArrayList<>(recent.size());
        recent.oldestFirst().forEach(ids::add);
        int shared = 0;
        int limit = Math.min(ids.size(), session.size());
        while (shared < limit
                && ids.get(ids.size() - 1 - shared)
                        .equals(session.get(session.size() - 1 - shared).getEventId())) {
            shared++;
        }
        int own = ids.size() - shared;
        writeCount(own, out);
        for (int i = 0; i < own; i++) {
            writeString(ids.get(i), out);
        }
        writeCount(shared, out);
    }

    private static void readRecentEventIds(RecentEventIds recent, List<Behavior> session, DataInput in)
            throws IOException {
        for (int i = readCount(in, MAX_ENTRIES); i > 0; i--) {
            recent.add(readString(in), Integer.MAX_VALUE);
        }
        int shared = readCount(in, session.size());
        for (int i = session.size() - shared; i < session.size(); i++) {
            recent.add(session.get(i).getEventId(), Integer.MAX_VALUE);
        }
    }

    private static void writeOptional(String s, DataOutput out) throws IOException {
        if (s != null) {
            writeString(s, out);
        }
    }

    private static int typeCode(String eventType) {
        for (int code = 0; code < TYPE_CODES.length; code++) {
            if (TYPE_CODES[code].equals(eventType)) {
                return code;
            }
        }
        return TYPE_NOT_CODED;
    }
}
