package io.streamrec.flink.records;

import io.streamrec.schemas.TrainingExample;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link TrainingExample}s between the user state and the trainer, field by field: the context as
 * {@link FeatureSnapshotSerializer} writes it, then the target behaviour with its time relative to the context's last
 * event. Each record starts with its format version, so the serializer snapshot has no configuration to compare.
 */
public final class TrainingExampleSerializer extends TypeSerializer<TrainingExample> {
    private static final long serialVersionUID = 1L;

    public static final TrainingExampleSerializer INSTANCE = new TrainingExampleSerializer();
    static final int FORMAT = 1;

    @Override
    public void serialize(TrainingExample record, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        FeatureSnapshotSerializer.write(record.getContext(), out);
        RecordIo.writeBehavior(record.getTarget(), record.getContext().getEventTime(), out);
    }

    @Override
    public TrainingExample deserialize(DataInputView in) throws IOException {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown TrainingExample format " + format + "; this build reads format " + FORMAT);
        }
        var context = FeatureSnapshotSerializer.read(in);
        return new TrainingExample(context, RecordIo.readBehavior(context.getEventTime(), in));
    }

    @Override
    public TrainingExample copy(TrainingExample from) {
        return new TrainingExample(
                FeatureSnapshotSerializer.copyOf(from.getContext()), RecordIo.copy(from.getTarget()));
    }

    @Override
    public TrainingExample deserialize(TrainingExample reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public TrainingExample copy(TrainingExample from, TrainingExample reuse) {
        return copy(from);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TrainingExample createInstance() {
        return new TrainingExample();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<TrainingExample> duplicate() {
        return this;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof TrainingExampleSerializer;
    }

    @Override
    public int hashCode() {
        return TrainingExampleSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<TrainingExample> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same serializer; the record format lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrainingExample> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
