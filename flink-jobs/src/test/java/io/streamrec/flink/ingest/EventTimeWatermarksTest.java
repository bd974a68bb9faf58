package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {

    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void watermarkTrailsTheLargestEventTimeAndIgnoresDeadLetters() {
        WatermarkStrategy<Either<DeadLetter, SourcedEvent>> strategy =
                EventTimeWatermarks.forEvents(Duration.ofSeconds(2), Duration.ZERO);
        TimestampAssigner<Either<DeadLetter, SourcedEvent>> timestamps = strategy.createTimestampAssigner(null);
        WatermarkGenerator<Either<DeadLetter, SourcedEvent>> generator = strategy.createWatermarkGenerator(null);

        Either<DeadLetter, SourcedEvent> event = Either.Right(event(10_000L));
        Either<DeadLetter, SourcedEvent> refused = Either.Left(deadLetter());
        long eventTime = timestamps.extractTimestamp(event, 99L);
        long refusedTime = timestamps.extractTimestamp(refused, 99_000_000L);
        generator.onEvent(event, eventTime, output);
        generator.onEvent(refused, refusedTime, output);
        generator.onPeriodicEmit(output);

        assertThat(eventTime).isEqualTo(10_000L);
        assertThat(refusedTime).isEqualTo(99_000_000L);
        assertThat(emitted).containsExactly(10_000L - 2_000L - 1);
    }

    private static SourcedEvent event(long timestamp) {
        return SourcedEvent.newBuilder()
                .setEvent(UserEvent.newBuilder()
                        .setEventId("e")
                        .setUserId("u")
                        .setItemId("i")
                        .setEventType("view")
                        .setTimestamp(timestamp)
                        .build())
                .setPayload(ByteBuffer.allocate(0))
                .setSourceTopic("events")
                .setPartition(0)
                .setOffset(0)
                .build();
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setReason("malformed-json")
                .setReasons(List.of("malformed-json"))
                .setPayload(ByteBuffer.allocate(0))
                .setSourceTopic("events")
                .setPartition(0)
                .setOffset(1)
                .setDeadLetteredAt(0)
                .build();
    }
}
