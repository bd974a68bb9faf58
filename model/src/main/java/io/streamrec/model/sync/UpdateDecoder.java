package io.streamrec.model.sync;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.CodecException;

/**
 * Turns a {@code model-updates} record's value into a chunk, or refuses it as {@link UpdateRefusal.Reason#CORRUPT}:
 * bytes that are not exactly one Avro {@link ModelUpdate} (cut short, bit-flipped, another schema, bytes left over).
 * The decoding never allocates more than the bytes present, so a hostile length prefix cannot exhaust memory.
 * Thread-safe.
 */
public final class UpdateDecoder {

    private static final AvroBinaryCodec<ModelUpdate> CODEC = AvroBinaryCodec.of(ModelUpdate.class);

    private UpdateDecoder() {}

    /**
     * @param where the record's position, e.g. {@code model-updates-0@42}, named in the refusal
     * @throws RefusedUpdateException if the bytes are not one chunk
     */
    public static ModelUpdate decode(byte[] value, String where) {
        if (value == null) {
            throw new RefusedUpdateException(UpdateRefusal.Reason.CORRUPT, "the record at " + where + " has no value");
        }
        try {
            return CODEC.decode(value);
        } catch (CodecException e) {
            throw new RefusedUpdateException(
                    new UpdateRefusal(
                            UpdateRefusal.Reason.CORRUPT,
                            "the record at " + where + " (" + value.length + " bytes) is not a model update: "
                                    + e.violations()),
                    e);
        }
    }

    /** The chunk's bytes as the trainer writes them. */
    public static byte[] encode(ModelUpdate chunk) {
        return CODEC.encode(chunk);
    }
}
