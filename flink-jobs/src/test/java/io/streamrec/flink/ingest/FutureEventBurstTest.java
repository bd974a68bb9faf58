package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A clock-skewed producer's burst of events far in the future, read by the job's own source decoding and
 * watermark strategy on one partition: the burst goes to the DLQ as {@code timestamp-in-future} and event
 * time does not follow it, so the good events after it are not late.
 */
class FutureEventBurstTest {
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(2);

    private final List<Long> watermarks = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    private static byte[] json(String eventId, long timestamp) {
        return ("{\"eventId\":\"" + eventId + "\",\"userId\":\"u1\",\"itemId\":\"i1\",\"eventType\":\"view\","
                        + "\"timestamp\":" + timestamp + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBurstOfFarFutureEventsIsRefusedAndDoesNotMakeLaterEventsLate() {
        DecodingDeserializationSchema<?, SourcedEvent> schema =
                DecodingDeserializationSchema.events(WireFormat.JSON, ValidationLimits.defaults());
        schema.open(null);
        WatermarkStrategy<Either<DeadLetter, SourcedEvent>> strategy =
                EventTimeWatermarks.forEvents(OUT_OF_ORDERNESS, Duration.ZERO);
        TimestampAssigner<Either<DeadLetter, SourcedEvent>> timestamps = strategy.createTimestampAssigner(null);
        WatermarkGenerator<Either<DeadLetter, SourcedEvent>> generator = strategy.createWatermarkGenerator(null);
        List<Either<DeadLetter, SourcedEvent>> read = new ArrayList<>();
        Collector<Either<DeadLetter, SourcedEvent>> collector = new Collector<>() {
            @Override
            public void collect(Either<DeadLetter, SourcedEvent> record) {
                read.add(record);
            }

            @Override
            public void close() {}
        };

        long now = System.currentTimeMillis();
        long offset = 0;
        List<byte[]> values = new ArrayList<>();
        values.add(json("before", now));
        for (int i = 0; i < 1_000; i++) {
            values.add(json("future-" + i, now + Duration.ofDays(1).toMillis() + i));
        }
        for (int i = 0; i < 10; i++) {
            values.add(json("after-" + i, now + 100 + i));
        }
        long lastWatermark = Long.MIN_VALUE;
        int lateAfterBurst = 0;
        int refused = 0;
        for (byte[] value : values) {
            read.clear();
            schema.deserialize(
                    new ConsumerRecord<>("events", 0, offset++, "u1".getBytes(StandardCharsets.UTF_8), value),
                    collector);
            Either<DeadLetter, SourcedEvent> record = read.get(0);
            long time = timestamps.extractTimestamp(record, now);
            if (record.isRight()
                    && record.right().getEvent().getEventId().startsWith("after")
                    && time <= lastWatermark) {
                lateAfterBurst++;
            }
            generator.onEvent(record, time, output);
            generator.onPeriodicEmit(output);
            lastWatermark = watermarks.isEmpty() ? Long.MIN_VALUE : watermarks.get(watermarks.size() - 1);
            if (record.isLeft()) {
                refused++;
                assertThat(record.left().getReasons())
                        .singleElement()
                        .asString()
                        .startsWith("timestamp-in-future");
            }
        }

        assertThat(refused)
                .as("the whole burst, and nothing else, dead-lettered")
                .isEqualTo(1_000);
        assertThat(lateAfterBurst)
                .as("good events after the burst behind the watermark")
                .isZero();
        assertThat(lastWatermark)
                .as("event time follows the good events only")
                .isEqualTo(now + 109 - OUT_OF_ORDERNESS.toMillis() - 1);
    }
}
