package io.streamrec.flink.ingest;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/**
 * The event watermark strategy, applied per Kafka partition inside the source. (Profiles use
 * {@code UserStateOperator}: they take no part in event time.)
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    /**
     * Event time is the event's {@code timestamp}; the watermark trails the largest one seen by
     * {@code maxOutOfOrderness} (the allowed lateness) and a partition silent for {@code idleness} stops
     * holding it back (zero disables idleness). Refused records keep their Kafka timestamp but never move
     * event time: their timestamps are untrusted.
     */
    public static WatermarkStrategy<Either<DeadLetter, SourcedEvent>> forEvents(
            Duration maxOutOfOrderness, Duration idleness) {
        WatermarkStrategy<Either<DeadLetter, SourcedEvent>> strategy =
                WatermarkStrategy.<Either<DeadLetter, SourcedEvent>>forGenerator(
                                ctx -> new AcceptedOnly<>(new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness)))
                        .withTimestampAssigner((record, kafkaTimestamp) ->
                                record.isRight() ? record.right().getEvent().getTimestamp() : kafkaTimestamp);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }

    /** Lets only accepted records advance the wrapped generator. */
    private static final class AcceptedOnly<L, R> implements WatermarkGenerator<Either<L, R>> {
        private final WatermarkGenerator<Either<L, R>> delegate;

        AcceptedOnly(WatermarkGenerator<Either<L, R>> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(Either<L, R> record, long timestamp, WatermarkOutput output) {
            if (record.isRight()) {
                delegate.onEvent(record, timestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
