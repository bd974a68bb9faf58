package io.streamrec.flink.records;

import io.streamrec.schemas.TrainingExample;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link TrainingExample}s between the user state and the trainer, field by field: the context as
 * {@link FeatureSnapshotSerializer} writes it, then the target behaviour with its time relative to the context's last
 * event. Each record starts with its format version, so the serializer snapshot has no configuration to compare.
 */
public final class TrainingExampleSerializer extends VersionedRecordSerializer<TrainingExample> {
    private static final long serialVersionUID = 1L;

    static final int FORMAT = 1;

    public TrainingExampleSerializer() {
        super("TrainingExample", FORMAT);
    }

    @Override
    public TrainingExampleSerializer duplicate() {
        return new TrainingExampleSerializer();
    }

    @Override
    void writeFields(TrainingExample record, DataOutputView out) throws IOException {
        FeatureSnapshotSerializer.write(record.getContext(), out);
        RecordIo.writeBehavior(record.getTarget(), record.getContext().getEventTime(), out);
    }

    @Override
    TrainingExample readFields(StringReader strings, DataInputView in) throws IOException {
        var context = FeatureSnapshotSerializer.read(strings, in);
        return new TrainingExample(context, RecordIo.readBehavior(strings, context.getEventTime(), in));
    }

    @Override
    public TrainingExample copy(TrainingExample from) {
        return copyOf(from);
    }

    /** A deep copy: new context and target; the strings are immutable and shared. */
    public static TrainingExample copyOf(TrainingExample from) {
        return new TrainingExample(
                FeatureSnapshotSerializer.copyOf(from.getContext()), RecordIo.copy(from.getTarget()));
    }

    @Override
    public TrainingExample createInstance() {
        return new TrainingExample();
    }

    @Override
    public TypeSerializerSnapshot<TrainingExample> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the same serializer; the record format lives in each record. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrainingExample> {
        public Snapshot() {
            super(TrainingExampleSerializer::new);
        }
    }
}
