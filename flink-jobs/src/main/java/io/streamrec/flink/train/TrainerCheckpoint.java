package io.streamrec.flink.train;

import io.streamrec.model.FrozenState;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The trainer operator's one operator-state entry: a {@link TrainerState} frozen at a checkpoint, or the bytes of one
 * restored. Its {@link Serializer} writes the frozen copy only when Flink writes the checkpoint, which the operator
 * state backend does in its asynchronous phase (the synchronous phase copies the list with {@link
 * Serializer#copy}, which keeps this immutable entry as it is); so the task thread and the training thread wait only
 * for the array copies, not for the serialisation of the whole model.
 *
 * <p>On the wire: the length of the state's bytes, then the bytes ({@link TrainerState}'s layout).
 */
public final class TrainerCheckpoint {

    private final FrozenState frozen;
    private final byte[] restored;

    private TrainerCheckpoint(FrozenState frozen, byte[] restored) {
        this.frozen = frozen;
        this.restored = restored;
    }

    static TrainerCheckpoint of(FrozenState frozen) {
        return new TrainerCheckpoint(frozen, null);
    }

    static TrainerCheckpoint restored(byte[] bytes) {
        return new TrainerCheckpoint(null, bytes);
    }

    /** The state's bytes: those restored, or the frozen copy written now (tests; the serializer streams it). */
    byte[] bytes() {
        return restored != null ? restored : frozen.toBytes();
    }

    /**
     * Writes the length, then the state. A frozen copy is counted first and then streamed, so the writer holds no
     * array as large as the state: a checkpoint of a 55 MB trainer used to grow and copy arrays of up to twice that
     * on a TaskManager already busy catching up, and its heap ran out.
     */
    void writeTo(DataOutputView target) throws IOException {
        if (restored != null) {
            target.writeInt(restored.length);
            target.write(restored);
            return;
        }
        long size = frozen.size();
        target.writeInt(TrainerState.lengthField(size, "the trainer's state"));
        FrozenState.ByteCounter counted = new FrozenState.ByteCounter(target);
        frozen.writeTo(new DataOutputStream(counted));
        if (counted.count() != size) {
            throw new IOException("the trainer's checkpoint wrote " + counted.count() + " bytes after counting " + size
                    + "; its frozen copy changed while it was written (a bug: the copy must not share mutable state)");
        }
    }

    /** Writes the frozen copy when Flink writes the checkpoint; immutable, so copies are the entry itself. */
    public static final class Serializer extends TypeSerializerSingleton<TrainerCheckpoint> {

        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public TrainerCheckpoint createInstance() {
            return null;
        }

        @Override
        public TrainerCheckpoint copy(TrainerCheckpoint from) {
            return from;
        }

        @Override
        public TrainerCheckpoint copy(TrainerCheckpoint from, TrainerCheckpoint reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(TrainerCheckpoint record, DataOutputView target) throws IOException {
            record.writeTo(target);
        }

        @Override
        public TrainerCheckpoint deserialize(DataInputView source) throws IOException {
            byte[] bytes = new byte[source.readInt()];
            source.readFully(bytes);
            return restored(bytes);
        }

        @Override
        public TrainerCheckpoint deserialize(TrainerCheckpoint reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int length = source.readInt();
            target.writeInt(length);
            target.write(source, length);
        }

        @Override
        public TypeSerializerSnapshot<TrainerCheckpoint> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** The serializer has no configuration: the layout's own format number is inside the bytes. */
    public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<TrainerCheckpoint> {
        public SerializerSnapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
