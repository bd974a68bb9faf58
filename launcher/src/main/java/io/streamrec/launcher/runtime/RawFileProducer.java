package io.streamrec.launcher.runtime;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sends each line of a file to Kafka as one record, byte for byte, the way Kafka's console
 * producer does: the tool for feeding hand-written good and bad input to the pipeline.
 */
public final class RawFileProducer {

    private final Path file;
    private final Optional<String> keyField;

    /**
     * @param keyField when present, each JSON-object line's top-level field of that name becomes the
     *     record key; lines without it (or not JSON) are sent without a key
     */
    public RawFileProducer(Path file, Optional<String> keyField) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        this.file = file;
        this.keyField = keyField;
    }

    /**
     * Sends every line and waits until Kafka acknowledged or refused each; returns the line count. A refused line
     * reaches the sender's {@link RecordSender.Refusals} as {@code line N} (counting from 1) and is counted in
     * {@link RecordSender#refused()}.
     */
    public long sendTo(RecordSender sender, PrintWriter out, double progressIntervalSec) throws IOException {
        long started = System.nanoTime();
        long lines;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                ProgressTicker ticker =
                        new ProgressTicker(out, progressIntervalSec, () -> ProduceProgress.line(sender, started))) {
            long[] number = {0};
            lines = RawLines.forEach(in, line -> sender.send(key(line), line, "line " + ++number[0]));
            sender.flush();
        }
        out.println(ProduceProgress.line(sender, started));
        out.flush();
        return lines;
    }

    private byte[] key(byte[] line) {
        return keyField.flatMap(field -> RawLines.topLevelField(line, field)).orElse(null);
    }
}
