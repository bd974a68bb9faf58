package io.streamrec.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer for one record type whose every record starts with its format version. The serializer snapshot then
 * has no configuration to compare, and a later format can still read this one. Records are not reused: the Avro
 * classes they serialize are mutable, and a fresh instance per record is what the operators expect.
 *
 * <p>Each instance reads strings into a buffer of its own ({@link StringReader}), so it is not thread-safe:
 * {@link #duplicate()} gives a new instance, as Flink asks of a serializer with state. All instances of one class are
 * equal: they read and write the same format.
 */
abstract class VersionedRecordSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;

    private final String recordName;
    private final int format;
    /** Created on first use: the serializer travels to the task managers as a Java object. */
    private transient StringReader strings;

    VersionedRecordSerializer(String recordName, int format) {
        this.recordName = recordName;
        this.format = format;
    }

    /** The record's fields, after the format byte. */
    abstract void writeFields(T record, DataOutputView out) throws IOException;

    /** The record's fields of this serializer's format, their strings read by {@code strings}. */
    abstract T readFields(StringReader strings, DataInputView in) throws IOException;

    /** A new instance of the same serializer: the instance's string buffer is not shared. */
    @Override
    public abstract VersionedRecordSerializer<T> duplicate();

    @Override
    public final void serialize(T record, DataOutputView out) throws IOException {
        out.writeByte(format);
        writeFields(record, out);
    }

    @Override
    public final T deserialize(DataInputView in) throws IOException {
        int found = in.readByte();
        if (found != format) {
            throw new IOException("unknown " + recordName + " format " + found + "; this build reads format " + format);
        }
        if (strings == null) {
            strings = new StringReader();
        }
        return readFields(strings, in);
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }
}
