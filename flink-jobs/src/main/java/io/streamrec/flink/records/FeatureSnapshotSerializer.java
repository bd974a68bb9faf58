package io.streamrec.flink.records;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link FeatureSnapshot}s between the user state and the encoder (and in the encoder's pending state), field by
 * field. Each record starts with its format version, so the serializer snapshot has no configuration to compare and a
 * later format can still read this one. Session times are written relative to the session's start.
 */
public final class FeatureSnapshotSerializer extends VersionedRecordSerializer<FeatureSnapshot> {
    private static final long serialVersionUID = 1L;

    static final int FORMAT = 1;

    public FeatureSnapshotSerializer() {
        super("FeatureSnapshot", FORMAT);
    }

    @Override
    public FeatureSnapshotSerializer duplicate() {
        return new FeatureSnapshotSerializer();
    }

    @Override
    void writeFields(FeatureSnapshot record, DataOutputView out) throws IOException {
        write(record, out);
    }

    @Override
    FeatureSnapshot readFields(StringReader strings, DataInputView in) throws IOException {
        return read(strings, in);
    }

    /** Without the format byte, for records that embed a snapshot. */
    static void write(FeatureSnapshot s, DataOutputView out) throws IOException {
        RecordIo.writeString(s.getUserId(), out);
        RecordIo.writeString(s.getEventId(), out);
        out.writeLong(s.getEventTime());
        out.writeLong(s.getSessionStart());
        RecordIo.writeVarLong(s.getSessionsClosed(), out);
        List<Behavior> session = s.getSession();
        RecordIo.writeCount(session.size(), out);
        long previous = s.getSessionStart();
        for (Behavior b : session) {
            RecordIo.writeBehavior(b, previous, out);
            previous = b.getTimestamp();
        }
        LongTermFeatures lt = s.getLongTerm();
        RecordIo.writeStrings(lt.getItem(), out);
        RecordIo.writeStrings(lt.getLeafCategory(), out);
        RecordIo.writeStrings(lt.getCategory(), out);
        RecordIo.writeStrings(lt.getShop(), out);
        RecordIo.writeStrings(lt.getBrand(), out);
        RecordIo.writeStringMap(s.getProfile(), out);
    }

    static FeatureSnapshot read(StringReader strings, DataInputView in) throws IOException {
        String userId = strings.read(in);
        String eventId = strings.read(in);
        long eventTime = in.readLong();
        long sessionStart = in.readLong();
        long sessionsClosed = RecordIo.readVarLong(in);
        int length = RecordIo.readCount(in);
        List<Behavior> session = new ArrayList<>(length);
        long previous = sessionStart;
        for (int i = 0; i < length; i++) {
            Behavior b = RecordIo.readBehavior(strings, previous, in);
            session.add(b);
            previous = b.getTimestamp();
        }
        LongTermFeatures longTerm = new LongTermFeatures(
                RecordIo.readStrings(strings, in),
                RecordIo.readStrings(strings, in),
                RecordIo.readStrings(strings, in),
                RecordIo.readStrings(strings, in),
                RecordIo.readStrings(strings, in));
        return new FeatureSnapshot(
                userId,
                eventId,
                eventTime,
                session,
                longTerm,
                RecordIo.readStringMap(strings, in),
                sessionStart,
                sessionsClosed);
    }

    /** A deep copy: new lists, maps and behaviours; the strings are immutable and shared. */
    static FeatureSnapshot copyOf(FeatureSnapshot s) {
        List<Behavior> session = new ArrayList<>(s.getSession().size());
        for (Behavior b : s.getSession()) {
            session.add(RecordIo.copy(b));
        }
        LongTermFeatures lt = s.getLongTerm();
        return new FeatureSnapshot(
                s.getUserId(),
                s.getEventId(),
                s.getEventTime(),
                session,
                new LongTermFeatures(
                        new ArrayList<>(lt.getItem()),
                        new ArrayList<>(lt.getLeafCategory()),
                        new ArrayList<>(lt.getCategory()),
                        new ArrayList<>(lt.getShop()),
                        new ArrayList<>(lt.getBrand())),
                new HashMap<>(s.getProfile()),
                s.getSessionStart(),
                s.getSessionsClosed());
    }

    @Override
    public FeatureSnapshot copy(FeatureSnapshot from) {
        return copyOf(from);
    }

    @Override
    public FeatureSnapshot createInstance() {
        return new FeatureSnapshot();
    }

    @Override
    public TypeSerializerSnapshot<FeatureSnapshot> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same serializer; the record format lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FeatureSnapshot> {
        public Snapshot() {
            super(FeatureSnapshotSerializer::new);
        }
    }
}
