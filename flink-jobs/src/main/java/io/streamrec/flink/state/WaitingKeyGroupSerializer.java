package io.streamrec.flink.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Operator-state serializer for {@link WaitingKeyGroup}: a format version, the key group, the event
 * count, then each event's arrival number and its {@link WaitingEventSerializer} record.
 *
 * <p>The type counts as immutable, so Flink's synchronous checkpoint phase copies only the list of
 * references and the events are written on the asynchronous thread.
 */
public final class WaitingKeyGroupSerializer extends StatelessSerializer<WaitingKeyGroup> {
    private static final long serialVersionUID = 1L;
    private static final int FORMAT_VERSION = 1;

    static final WaitingKeyGroupSerializer INSTANCE = new WaitingKeyGroupSerializer();

    @Override
    public void serialize(WaitingKeyGroup group, DataOutputView out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeInt(group.keyGroup());
        out.writeInt(group.events().size());
        for (WaitingEvents.Waiting waiting : group.events()) {
            out.writeLong(waiting.arrival());
            WaitingEventSerializer.INSTANCE.serialize(waiting.event(), out);
        }
    }

    @Override
    public WaitingKeyGroup deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("waiting key group written in format version " + version
                    + " but this build reads only " + FORMAT_VERSION
                    + "; restore the state with the build that wrote it, or add a reader for that version");
        }
        int keyGroup = in.readInt();
        int count = in.readInt();
        List<WaitingEvents.Waiting> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long arrival = in.readLong();
            events.add(new WaitingEvents.Waiting(arrival, keyGroup, WaitingEventSerializer.INSTANCE.deserialize(in)));
        }
        return new WaitingKeyGroup(keyGroup, events);
    }

    /** Never changed once built (see {@link WaitingKeyGroup}), so a copy is the same object. */
    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public WaitingKeyGroup copy(WaitingKeyGroup from) {
        return from;
    }

    @Override
    public WaitingKeyGroup createInstance() {
        return new WaitingKeyGroup(0, List.of());
    }

    @Override
    public TypeSerializerSnapshot<WaitingKeyGroup> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same stateless serializer; the record format version lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<WaitingKeyGroup> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
