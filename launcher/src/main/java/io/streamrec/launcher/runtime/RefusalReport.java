package io.streamrec.launcher.runtime;

import io.streamrec.flink.publish.SendErrors;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;

/**
 * Prints each record the broker refused, with the label it was sent under and the broker's reason, e.g.
 * {@code line 17 was refused: RecordTooLargeException: The request included a message larger than ...}. After
 * {@value #MAX_PRINTED} such lines it says that the rest are only counted (in the final line).
 */
public final class RefusalReport implements RecordSender.Refusals {

    static final int MAX_PRINTED = 100;

    private final PrintWriter out;
    private final AtomicLong reported = new AtomicLong();

    public RefusalReport(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void refused(@Nullable String label, Exception reason) {
        long n = reported.incrementAndGet();
        if (n > MAX_PRINTED + 1) {
            return;
        }
        String line = n <= MAX_PRINTED
                ? (label == null ? "a record" : label) + " was refused: " + SendErrors.describe(reason)
                : "further refusals are counted in the final line, not printed";
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
