package io.streamrec.flink.ingest;

import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.EventDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The {@code events} topic: a valid event is kept with its original bytes and offsets ({@link SourcedEvent}),
 * so that a later stage (dedup, lateness) can still dead-letter it exactly as it was read.
 */
public final class EventDeserializationSchema extends DecodingDeserializationSchema<UserEvent, SourcedEvent> {

    private static final long serialVersionUID = 1L;

    private transient EventDecoder decoder;

    public EventDeserializationSchema(WireFormat format, ValidationLimits limits) {
        super(format, limits);
    }

    @Override
    protected void openDecoder(Clock clock) {
        decoder = new EventDecoder(format, limits, clock);
    }

    @Override
    protected DecodeResult<UserEvent> decode(byte[] key, byte[] value) {
        return decoder.decode(key, value);
    }

    @Override
    protected SourcedEvent accepted(UserEvent event, ConsumerRecord<byte[], byte[]> record) {
        return SourcedEvent.newBuilder()
                .setEvent(event)
                .setPayload(ByteBuffer.wrap(record.value()))
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .build();
    }

    @Override
    protected TypeInformation<SourcedEvent> acceptedType() {
        return new AvroTypeInfo<>(SourcedEvent.class);
    }
}
