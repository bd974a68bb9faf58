package io.streamrec.flink.ingest;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.deadletter.DeadLetters;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.EventDecoder;
import io.streamrec.schemas.ingest.ProfileDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes and validates each Kafka record inside the source and never throws: a record is either accepted
 * ({@link Either#Right}) or becomes a {@link DeadLetter} ({@link Either#Left}) with every reason and its
 * original bytes, topic, partition and offset. Decoding in the source, rather than in an operator after it,
 * gives the watermark generator each partition's own event times (per-split watermarks), so a replay whose
 * partitions are read unevenly does not turn good events late.
 *
 * @param <V> the decoded record
 * @param <T> what an accepted record is emitted as
 */
public final class DecodingDeserializationSchema<V, T>
        implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    /** The schemas module's decoder of one record kind; built on the task, as it is not serializable. */
    @FunctionalInterface
    interface Decoder<V> {
        DecodeResult<V> decode(byte[] key, byte[] value);
    }

    @FunctionalInterface
    interface DecoderFactory<V> extends Serializable {
        Decoder<V> create(Clock clock);
    }

    /** What an accepted record becomes, given the Kafka record it came from. */
    @FunctionalInterface
    interface Acceptance<V, T> extends Serializable {
        T accept(V decoded, ConsumerRecord<byte[], byte[]> record);
    }

    private final DecoderFactory<V> decoderFactory;
    private final Acceptance<V, T> acceptance;
    private final TypeInformation<T> acceptedType;
    private transient Decoder<V> decoder;
    private transient DeadLetters deadLetters;

    private DecodingDeserializationSchema(
            DecoderFactory<V> decoderFactory, Acceptance<V, T> acceptance, TypeInformation<T> acceptedType) {
        this.decoderFactory = decoderFactory;
        this.acceptance = acceptance;
        this.acceptedType = acceptedType;
    }

    /**
     * The {@code events} topic: a valid event is kept with its original bytes and offsets ({@link SourcedEvent}),
     * so that a later stage (dedup, lateness) can still dead-letter it exactly as it was read.
     */
    public static DecodingDeserializationSchema<UserEvent, SourcedEvent> events(
            WireFormat format, ValidationLimits limits) {
        return new DecodingDeserializationSchema<>(
                clock -> new EventDecoder(format, limits, clock)::decode,
                (event, record) -> SourcedEvent.newBuilder()
                        .setEvent(event)
                        .setPayload(ByteBuffer.wrap(record.value()))
                        .setSourceTopic(record.topic())
                        .setPartition(record.partition())
                        .setOffset(record.offset())
                        .build(),
                new AvroTypeInfo<>(SourcedEvent.class));
    }

    /** The optional compacted {@code user-profiles} topic: the latest profile per user. */
    public static DecodingDeserializationSchema<UserProfile, UserProfile> profiles(
            WireFormat format, ValidationLimits limits) {
        return new DecodingDeserializationSchema<>(
                clock -> new ProfileDecoder(format, limits, clock)::decode,
                (profile, record) -> profile,
                new AvroTypeInfo<>(UserProfile.class));
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        Clock clock = Clock.systemUTC();
        deadLetters = new DeadLetters(clock);
        decoder = decoderFactory.create(clock);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) {
        DecodeResult<V> result = decoder.decode(record.key(), record.value());
        if (result.isValid()) {
            out.collect(Either.Right(acceptance.accept(result.value(), record)));
        } else {
            out.collect(Either.Left(deadLetters.refused(
                    result.violations(),
                    record.key(),
                    record.value(),
                    record.topic(),
                    record.partition(),
                    record.offset())));
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), acceptedType);
    }
}
