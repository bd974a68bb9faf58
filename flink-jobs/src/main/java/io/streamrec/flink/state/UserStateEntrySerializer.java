package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** A tag byte, then the entry in the form of {@link UserHistorySerializer} or {@link WaitingEventSerializer}. */
public final class UserStateEntrySerializer extends StatelessSerializer<UserStateEntry> {
    private static final long serialVersionUID = 1L;
    private static final int HISTORY = 0;
    private static final int WAITING = 1;

    public static final UserStateEntrySerializer INSTANCE = new UserStateEntrySerializer();

    @Override
    public void serialize(UserStateEntry entry, DataOutputView out) throws IOException {
        if (entry instanceof UserStateEntry.History h) {
            out.writeByte(HISTORY);
            UserHistorySerializer.INSTANCE.serialize(h.history(), out);
        } else if (entry instanceof UserStateEntry.Waiting w) {
            out.writeByte(WAITING);
            WaitingEventSerializer.INSTANCE.serialize(w.event(), out);
        } else {
            throw new IllegalArgumentException("unknown user state entry " + entry);
        }
    }

    @Override
    public UserStateEntry deserialize(DataInputView in) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case HISTORY:
                return new UserStateEntry.History(UserHistorySerializer.INSTANCE.deserialize(in));
            case WAITING:
                return new UserStateEntry.Waiting(WaitingEventSerializer.INSTANCE.deserialize(in));
            default:
                throw new IOException("unknown user state entry tag " + tag + "; the state was written by a newer "
                        + "build, restore it with that build");
        }
    }

    @Override
    public UserStateEntry copy(UserStateEntry from) {
        if (from instanceof UserStateEntry.History h) {
            return new UserStateEntry.History(h.history().copy());
        }
        SourcedEvent event = ((UserStateEntry.Waiting) from).event();
        return new UserStateEntry.Waiting(WaitingEventSerializer.INSTANCE.copy(event));
    }

    @Override
    public UserStateEntry createInstance() {
        return null;
    }

    @Override
    public TypeSerializerSnapshot<UserStateEntry> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same stateless serializer; each entry's format is versioned by its own serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserStateEntry> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
