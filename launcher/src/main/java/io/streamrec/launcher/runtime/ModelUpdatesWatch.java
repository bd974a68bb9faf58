package io.streamrec.launcher.runtime;

import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.CodecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The delta interval a run actually achieved, as a consumer of {@code model-updates} sees it: the time between the
 * Kafka timestamps of consecutive deltas (their first chunks). The trainer emits updates without an event time, so
 * their timestamps are the wall-clock time the sink produced them.
 */
public final class ModelUpdatesWatch implements AutoCloseable {

    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);

    /** The intervals between consecutive deltas published after a given time. */
    public record DeltaIntervals(long deltas, double meanSec, double maxSec) {
        static final DeltaIntervals NONE = new DeltaIntervals(0, Double.NaN, Double.NaN);

        /** The gaps between consecutive publishing times (epoch ms, in order); NaN gaps below two. */
        static DeltaIntervals of(List<Long> publishedAtMillis) {
            int n = publishedAtMillis.size();
            if (n < 2) {
                return new DeltaIntervals(n, Double.NaN, Double.NaN);
            }
            long max = 0;
            for (int i = 1; i < n; i++) {
                max = Math.max(max, publishedAtMillis.get(i) - publishedAtMillis.get(i - 1));
            }
            double meanMillis = (publishedAtMillis.get(n - 1) - publishedAtMillis.get(0)) / (double) (n - 1);
            return new DeltaIntervals(n, meanMillis / 1000.0, max / 1000.0);
        }
    }

    /** Kafka timestamps (epoch ms) of each delta's first chunk, in publishing order. */
    private final List<Long> deltaTimestamps = new ArrayList<>();

    private final TopicTail tail;

    /** Starts reading {@code topic} (one partition, as the job creates it) from its current end. */
    public ModelUpdatesWatch(String bootstrapServers, String topic) {
        this(KafkaAccess.plaintext(bootstrapServers), topic);
    }

    /** Starts reading {@code topic} from its current end, connecting as {@code kafka} says. */
    public ModelUpdatesWatch(KafkaAccess kafka, String topic) {
        this.tail = new TopicTail(
                kafka,
                topic,
                "streamrec-model-updates-watch",
                "watching model updates",
                Duration.ofMillis(500),
                this::received);
    }

    /** Deltas whose first chunk was published at or after {@code sinceEpochMillis}, and the gaps between them. */
    public DeltaIntervals deltaIntervalsSince(long sinceEpochMillis) {
        List<Long> times;
        synchronized (deltaTimestamps) {
            times = deltaTimestamps.stream().filter(t -> t >= sinceEpochMillis).toList();
        }
        return DeltaIntervals.of(times);
    }

    private void received(ConsumerRecord<byte[], byte[]> record) {
        ModelUpdate update;
        try {
            update = UPDATES.decode(record.value());
        } catch (CodecException e) {
            return; // the job's model-updates source counts and logs it
        }
        if (update.getKind() == UpdateKind.DELTA && update.getChunkIndex() == 0) {
            synchronized (deltaTimestamps) {
                deltaTimestamps.add(record.timestamp());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
