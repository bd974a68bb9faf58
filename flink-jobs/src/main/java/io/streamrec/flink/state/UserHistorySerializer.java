package io.streamrec.flink.state;

import io.streamrec.model.history.UserHistory;
import io.streamrec.model.history.UserHistoryCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Keyed-state serializer for {@link UserHistory}, in the compact {@link UserHistoryCodec} form. The
 * codec versions every record itself, so the serializer snapshot has no configuration to compare.
 */
public final class UserHistorySerializer extends StatelessSerializer<UserHistory> {
    private static final long serialVersionUID = 1L;

    public static final UserHistorySerializer INSTANCE = new UserHistorySerializer();

    @Override
    public UserHistory createInstance() {
        return new UserHistory();
    }

    @Override
    public UserHistory copy(UserHistory from) {
        return from.copy();
    }

    @Override
    public void serialize(UserHistory record, DataOutputView target) throws IOException {
        UserHistoryCodec.write(record, target);
    }

    @Override
    public UserHistory deserialize(DataInputView source) throws IOException {
        return UserHistoryCodec.read(source);
    }

    @Override
    public TypeSerializerSnapshot<UserHistory> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same stateless serializer; the record format version lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserHistory> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
