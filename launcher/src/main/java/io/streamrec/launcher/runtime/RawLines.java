package io.streamrec.launcher.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines without decoding it, so that every record of a bad-input file
 * (invalid UTF-8, control characters, truncated JSON) reaches Kafka byte for byte. Lines end at
 * {@code \n}; a {@code \r} right before it belongs to the terminator, as with Kafka's console
 * producer. A final line without a terminator still counts; an empty file has no lines.
 */
public final class RawLines {

    private static final JsonFactory JSON = new JsonFactory();

    private RawLines() {}

    /** Calls {@code sink} with each line's bytes, in file order; returns the number of lines. */
    public static long forEach(InputStream in, Consumer<byte[]> sink) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[64 * 1024];
        long lines = 0;
        boolean pending = false;
        int read;
        while ((read = in.read(buffer)) != -1) {
            for (int i = 0; i < read; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    sink.accept(withoutCarriageReturn(line.toByteArray()));
                    line.reset();
                    lines++;
                    pending = false;
                } else {
                    line.write(b);
                    pending = true;
                }
            }
        }
        if (pending) {
            sink.accept(withoutCarriageReturn(line.toByteArray()));
            lines++;
        }
        return lines;
    }

    /**
     * The value of the top-level scalar field {@code field} of a line holding one well-formed JSON
     * object, as UTF-8 bytes; empty when the line is anything else or lacks the field, so that a
     * malformed line is still sent, without a key.
     */
    public static Optional<byte[]> topLevelField(byte[] line, String field) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            byte[] key = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (key == null && name.equals(field) && value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                    key = parser.getText().getBytes(StandardCharsets.UTF_8);
                }
                parser.skipChildren();
            }
            boolean wellFormed = token == JsonToken.END_OBJECT && parser.nextToken() == null;
            return wellFormed ? Optional.ofNullable(key) : Optional.empty();
        } catch (IOException | RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static byte[] withoutCarriageReturn(byte[] line) {
        if (line.length > 0 && line[line.length - 1] == '\r') {
            return java.util.Arrays.copyOf(line, line.length - 1);
        }
        return line;
    }
}
