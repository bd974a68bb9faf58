package io.streamrec.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A stateless serializer for one record type whose every record starts with its format version. The serializer
 * snapshot then has no configuration to compare, and a later format can still read this one. Records are not reused:
 * the Avro classes they serialize are mutable, and a fresh instance per record is what the operators expect.
 */
abstract class VersionedRecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    private final String recordName;
    private final int format;

    VersionedRecordSerializer(String recordName, int format) {
        this.recordName = recordName;
        this.format = format;
    }

    /** The record's fields, after the format byte. */
    abstract void writeFields(T record, DataOutputView out) throws IOException;

    /** The record's fields of this serializer's format. */
    abstract T readFields(DataInputView in) throws IOException;

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
        return readFields(in);
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
}
