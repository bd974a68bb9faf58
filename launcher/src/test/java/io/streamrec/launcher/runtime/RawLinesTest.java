package io.streamrec.launcher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawLinesTest {

    @Test
    void splitsOnNewlineKeepingEveryOtherByteIncludingInvalidUtf8() throws IOException {
        byte[] invalidUtf8 = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        byte[] file = concat(
                "a\n".getBytes(UTF_8), invalidUtf8, "\n\nwindows\r\n tab\there \n\u0001ctl\nlast".getBytes(UTF_8));

        List<byte[]> lines = split(file);

        assertThat(lines)
                .containsExactly(
                        "a".getBytes(UTF_8),
                        invalidUtf8,
                        new byte[0],
                        "windows".getBytes(UTF_8),
                        " tab\there ".getBytes(UTF_8),
                        "\u0001ctl".getBytes(UTF_8),
                        "last".getBytes(UTF_8));
    }

    @Test
    void aTrailingNewlineDoesNotAddAnEmptyRecordAndAnEmptyFileHasNone() throws IOException {
        assertThat(split("x\ny\n".getBytes(UTF_8))).hasSize(2);
        assertThat(split(new byte[0])).isEmpty();
        assertThat(split("\n".getBytes(UTF_8))).containsExactly(new byte[0]);
    }

    @Test
    void keepsLinesLongerThanTheReadBuffer() throws IOException {
        byte[] big = "x".repeat(200_000).getBytes(UTF_8);
        assertThat(split(concat(big, "\n".getBytes(UTF_8), big))).containsExactly(big, big);
    }

    @Test
    void keyFieldIsReadFromTopLevelOnlyAndMissingForMalformedLines() {
        assertThat(RawLines.topLevelField(
                        "{\"nested\":{\"userId\":\"no\"},\"userId\":\"u7\"}".getBytes(UTF_8), "userId"))
                .hasValueSatisfying(key -> assertThat(new String(key, UTF_8)).isEqualTo("u7"));
        assertThat(RawLines.topLevelField("{\"userId\":42}".getBytes(UTF_8), "userId"))
                .hasValueSatisfying(key -> assertThat(new String(key, UTF_8)).isEqualTo("42"));
        assertThat(RawLines.topLevelField("{\"userId\":null}".getBytes(UTF_8), "userId"))
                .isEmpty();
        assertThat(RawLines.topLevelField("{\"userId\":\"u1\"".getBytes(UTF_8), "userId"))
                .isEmpty();
        assertThat(RawLines.topLevelField("{\"userId\":\"u1\"} trailing".getBytes(UTF_8), "userId"))
                .isEmpty();
        assertThat(RawLines.topLevelField("{\"userId\":\"u1\"}".getBytes(UTF_8), "other"))
                .isEmpty();
        assertThat(RawLines.topLevelField("[\"userId\"]".getBytes(UTF_8), "userId"))
                .isEmpty();
        assertThat(RawLines.topLevelField("not json".getBytes(UTF_8), "userId")).isEmpty();
    }

    private static List<byte[]> split(byte[] file) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        long count = RawLines.forEach(new ByteArrayInputStream(file), lines::add);
        assertThat(count).isEqualTo(lines.size());
        return lines;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
