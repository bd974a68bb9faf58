package io.streamrec.flink.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/** The reader reads exactly what Flink's {@link StringValue} writes, and Flink's reader reads the same strings. */
class StringReaderTest {

    private static String longString(int length, char first) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (first + i % 50);
        }
        return new String(chars);
    }

    /** ASCII, two- and three-byte characters, surrogate pairs, the extremes, empty and null, and lengths of 1–5 bytes. */
    private static List<String> samples() {
        List<String> samples = new ArrayList<>(Arrays.asList(
                "",
                null,
                "u12345",
                "view",
                "a",
                "\u0000",
                "\u007f\u0080",
                "caf\u00e9 cr\u00e8me",
                "\u4e2d\u6587\u5546\u54c1",
                "\ud83d\ude00 grinning, \ud83c\udf55 pizza",
                "\ud800 lone high, lone low \udfff",
                "\uffff\ufffe\ufeff",
                "x".repeat(126),
                "x".repeat(127),
                "x".repeat(128)));
        samples.add(longString(2_047, 'a'));
        samples.add(longString(2_049, '\u0400'));
        samples.add(longString(16_383, 'A'));
        samples.add(longString(16_384, '\u4e00'));
        samples.add(longString(300_000, '0'));
        return samples;
    }

    private static byte[] writtenByFlink(List<String> strings) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        for (String s : strings) {
            StringValue.writeString(s, out);
        }
        return out.getCopyOfBuffer();
    }

    @Test
    void readsWhatFlinksWriterWroteAsFlinksReaderDoes() throws IOException {
        List<String> samples = samples();
        byte[] bytes = writtenByFlink(samples);
        DataInputDeserializer ours = new DataInputDeserializer(bytes);
        DataInputDeserializer flinks = new DataInputDeserializer(bytes);
        StringReader reader = new StringReader();
        for (String expected : samples) {
            String read = reader.read(ours);
            assertThat(read).isEqualTo(expected).isEqualTo(StringValue.readString(flinks));
            assertThat(ours.getPosition()).isEqualTo(flinks.getPosition());
        }
        assertThat(ours.available()).isZero();
    }

    /** One reader, its buffer reused: a short string after a longer one holds none of the longer one's characters. */
    @Test
    void aReusedBufferLeaksNothingFromOneStringIntoTheNext() throws IOException {
        List<String> strings =
                List.of("abcdefghij", "xy", longString(1_000, 'k'), "", "z", longString(3_000, 'm'), "q");
        DataInputDeserializer in = new DataInputDeserializer(writtenByFlink(strings));
        StringReader reader = new StringReader();
        for (String expected : strings) {
            assertThat(reader.read(in)).isEqualTo(expected);
        }
    }

    @Test
    void randomStringsOfAnyUtf16UnitsRoundTrip() throws IOException {
        Random random = new Random(17);
        List<String> strings = new ArrayList<>();
        for (int n = 0; n < 2_000; n++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(5_000) : random.nextInt(40);
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                chars[i] = switch (random.nextInt(3)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) random.nextInt(0x800);
                    default -> (char) random.nextInt(0x10000);
                };
            }
            strings.add(random.nextInt(50) == 0 ? null : new String(chars));
        }
        DataInputDeserializer in = new DataInputDeserializer(writtenByFlink(strings));
        StringReader reader = new StringReader();
        for (String expected : strings) {
            assertThat(reader.read(in)).isEqualTo(expected);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void bytesThatEndInsideAStringAreAnEndOfInput() throws IOException {
        byte[] bytes = writtenByFlink(List.of("caf\u00e9"));
        DataInputDeserializer truncated = new DataInputDeserializer(Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> new StringReader().read(truncated)).isInstanceOf(EOFException.class);
    }

    @Test
    void aLengthOrCharacterTooWideForItsTypeIsMalformed() {
        byte[] length = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
        assertThatThrownBy(() -> new StringReader().read(new DataInputDeserializer(length)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("length");
        byte[] character = {2, (byte) 0xFF, (byte) 0xFF, (byte) 0x04};
        assertThatThrownBy(() -> new StringReader().read(new DataInputDeserializer(character)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("character");
    }
}
