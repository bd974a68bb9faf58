package io.streamrec.schemas.codec;

import io.streamrec.schemas.validate.ViolationCode;
import io.streamrec.schemas.validate.Violations;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary (no container, no schema prefix) for one generated record class. Thread-safe: each
 * thread reuses its own encoder, decoder and output buffer.
 *
 * <p>Decoding is safe on hostile bytes. Avro sizes strings, arrays and maps from length prefixes on
 * the wire, so a corrupt prefix could make the reader allocate gigabytes before it notices the
 * bytes are missing. A first pass therefore skips through the record (which allocates nothing) to
 * prove every length fits in the bytes present; only then is the record materialised. Bytes left
 * after the record are refused as {@code trailing-data}.
 *
 * @param <T> the generated record class
 */
public final class AvroBinaryCodec<T extends SpecificRecord> {

    private final Schema schema;
    private final SpecificDatumReader<T> reader;
    private final SpecificDatumWriter<T> writer;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private AvroBinaryCodec(Schema schema) {
        this.schema = schema;
        this.reader = new SpecificDatumReader<>(schema);
        this.writer = new SpecificDatumWriter<>(schema);
    }

    public static <T extends SpecificRecord> AvroBinaryCodec<T> of(Class<T> type) {
        return new AvroBinaryCodec<>(SpecificData.get().getSchema(type));
    }

    public Schema schema() {
        return schema;
    }

    /**
     * @throws IllegalArgumentException when the record cannot be written, e.g. a required field is null
     */
    public byte[] encode(T record) {
        Scratch s = scratch.get();
        s.out.reset();
        s.encoder = EncoderFactory.get().binaryEncoder(s.out, s.encoder);
        try {
            writer.write(record, s.encoder);
            s.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        } catch (NullPointerException | ClassCastException | AvroRuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot encode " + schema.getName() + " as Avro: " + e.getMessage()
                            + ". Fill every required field with a value of its schema type.",
                    e);
        }
        return s.out.toByteArray();
    }

    /** @throws CodecException listing why, when the bytes are not exactly one such record */
    public T decode(byte[] bytes) {
        Violations violations = new Violations();
        T record = decode(bytes, violations);
        if (record == null) {
            throw new CodecException(schema.getName(), violations.toList());
        }
        return record;
    }

    /** Decodes without throwing: null after adding {@code malformed-avro} or {@code trailing-data} to {@code out}. */
    public T decode(byte[] bytes, Violations out) {
        Scratch s = scratch.get();
        try {
            s.decoder = DecoderFactory.get().binaryDecoder(bytes, s.decoder);
            GenericDatumReader.skip(schema, s.decoder);
            int trailing = s.decoder.inputStream().available();
            if (trailing > 0) {
                out.add(
                        ViolationCode.TRAILING_DATA,
                        null,
                        trailing + " of " + bytes.length + " bytes remain after a complete " + schema.getName());
                return null;
            }
            s.decoder = DecoderFactory.get().binaryDecoder(bytes, s.decoder);
            return reader.read(null, s.decoder);
        } catch (IOException | RuntimeException e) {
            // EOF, bad varints, union or enum indexes out of range, negative lengths: all mean corrupt bytes
            out.add(ViolationCode.MALFORMED_AVRO, null, "not a " + schema.getName() + ": " + describe(e));
            return null;
        }
    }

    private static String describe(Exception e) {
        if (e instanceof EOFException) {
            return "the bytes end before the record does";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + message;
    }

    private static final class Scratch {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }
}
