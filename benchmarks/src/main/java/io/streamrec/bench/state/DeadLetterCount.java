package io.streamrec.bench.state;

import io.streamrec.schemas.DeadLetter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that counts dead letters by reason across all subtasks of a local (same-JVM) run, so the
 * benchmark reports the events the operator refused ({@code late}, {@code duplicate}) next to its rate:
 * a rate bought by dead-lettering good events would be no rate at all.
 */
final class DeadLetterCount implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, LongAdder> BY_REASON = new ConcurrentHashMap<>();

    static void reset() {
        BY_REASON.clear();
    }

    static long total() {
        return BY_REASON.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Counts by reason, in reason order. */
    static Map<String, Long> byReason() {
        Map<String, Long> counts = new TreeMap<>();
        BY_REASON.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter letter, Context context) {
                BY_REASON
                        .computeIfAbsent(String.valueOf(letter.getReason()), reason -> new LongAdder())
                        .increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
