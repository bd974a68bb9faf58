package io.streamrec.launcher.runtime;

import java.util.Locale;

/** The progress line of anything that writes records to Kafka. */
public final class ProduceProgress {

    private ProduceProgress() {}

    public static String line(RecordSender sender, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long acked = sender.acknowledged();
        String line = String.format(
                Locale.ROOT,
                "[%6.1fs] sent %,d records to '%s', %,d acknowledged (%,.0f/s)",
                seconds,
                sender.sent(),
                sender.topic(),
                acked,
                seconds > 0 ? acked / seconds : 0);
        long refused = sender.refused();
        return refused == 0 ? line : line + String.format(Locale.ROOT, ", %,d refused", refused);
    }
}
