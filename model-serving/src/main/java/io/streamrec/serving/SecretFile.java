package io.streamrec.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret (a bearer token, a key store's password) kept in a file so that it stays off the command line and out of
 * the process list. The content is trimmed: editors and {@code echo} add a line break.
 */
public final class SecretFile {

    private SecretFile() {}

    /**
     * The trimmed content of {@code file}, given by {@code option}.
     *
     * @throws IllegalArgumentException naming the option when the file cannot be read or holds only blanks
     */
    public static String read(String option, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read: give a readable file");
        }
        String secret;
        try {
            secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(option + " " + file + " cannot be read", e);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(option + " " + file + " is empty: write the secret into it");
        }
        return secret;
    }
}
