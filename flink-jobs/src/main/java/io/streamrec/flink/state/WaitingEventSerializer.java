package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Keyed-state serializer for the events waiting for the watermark: the fields of {@link SourcedEvent}
 * in a fixed order, without Avro's schema-driven encoder, which profiling showed at about an eighth of
 * the operator's time. Every record starts with a format version, so that a later layout (for instance
 * when {@code UserEvent} gains a field) can add a reader for this one once it has shipped.
 *
 * <p>Each string is its UTF-8 bytes after an int count ({@code -1}: null): {@code String.getBytes(UTF_8)}
 * copies an ASCII string in one block, where {@code writeUTF} loops char by char.
 */
public final class WaitingEventSerializer extends StatelessSerializer<SourcedEvent> {
    private static final long serialVersionUID = 1L;
    /** The format written and read; see the class comment. */
    private static final int FORMAT_VERSION = 1;

    private static final int NULL_STRING = -1;

    public static final WaitingEventSerializer INSTANCE = new WaitingEventSerializer();

    @Override
    public void serialize(SourcedEvent record, DataOutputView out) throws IOException {
        UserEvent e = record.getEvent();
        out.writeByte(FORMAT_VERSION);
        writeString(e.getEventId(), out);
        writeString(e.getUserId(), out);
        writeString(e.getItemId(), out);
        writeString(e.getEventType(), out);
        out.writeLong(e.getTimestamp());
        writeString(e.getSessionId(), out);
        writeString(e.getLeafCategoryId(), out);
        writeString(e.getCategoryId(), out);
        writeString(e.getShopId(), out);
        writeString(e.getBrandId(), out);
        out.writeBoolean(e.getWeight() != null);
        if (e.getWeight() != null) {
            out.writeDouble(e.getWeight());
        }
        writePayload(record.getPayload(), out);
        writeString(record.getSourceTopic(), out);
        out.writeInt(record.getPartition());
        out.writeLong(record.getOffset());
    }

    /** Its UTF-8 bytes after their count, or {@link #NULL_STRING}. */
    private static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeInt(NULL_STRING);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void writePayload(ByteBuffer payload, DataOutputView out) throws IOException {
        int length = payload.remaining();
        out.writeInt(length);
        if (payload.hasArray()) {
            out.write(payload.array(), payload.arrayOffset() + payload.position(), length);
        } else {
            byte[] bytes = new byte[length];
            payload.duplicate().get(bytes);
            out.write(bytes);
        }
    }

    @Override
    public SourcedEvent deserialize(DataInputView in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("waiting event written in format version " + version + " but this build reads only "
                    + FORMAT_VERSION + "; restore the state with the build that wrote it, or add a reader for that "
                    + "version");
        }
        UserEvent event = new UserEvent(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readLong(),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                in.readBoolean() ? in.readDouble() : null);
        return new SourcedEvent(event, readPayload(in), readString(in), in.readInt(), in.readLong());
    }

    private static String readString(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length == NULL_STRING) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ByteBuffer readPayload(DataInputView in) throws IOException {
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return ByteBuffer.wrap(payload);
    }

    @Override
    public SourcedEvent copy(SourcedEvent from) {
        return SourcedEvent.newBuilder(from).build();
    }

    @Override
    public SourcedEvent createInstance() {
        return new SourcedEvent();
    }

    @Override
    public TypeSerializerSnapshot<SourcedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same stateless serializer; the record format version lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourcedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
