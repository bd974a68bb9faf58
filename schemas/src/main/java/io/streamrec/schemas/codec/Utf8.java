package io.streamrec.schemas.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding: malformed or unmappable bytes are reported, never replaced. */
public final class Utf8 {

    private Utf8() {}

    /** The text the bytes encode, or null when they are not well-formed UTF-8. */
    public static String decodeStrictly(byte[] bytes) {
        return decodeStrictly(ByteBuffer.wrap(bytes));
    }

    /** As {@link #decodeStrictly(byte[])}, reading the buffer's remaining bytes without moving its position. */
    public static String decodeStrictly(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.duplicate())
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    public static boolean isWellFormed(byte[] bytes) {
        return decodeStrictly(bytes) != null;
    }
}
