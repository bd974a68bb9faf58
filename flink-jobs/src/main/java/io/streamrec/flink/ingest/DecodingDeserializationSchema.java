package io.streamrec.flink.ingest;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.deadletter.DeadLetters;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.time.Clock;
import java.util.Objects;
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
abstract class DecodingDeserializationSchema<V, T> implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

    private static final long serialVersionUID = 1L;

    protected final WireFormat format;
    protected final ValidationLimits limits;
    private transient DeadLetters deadLetters;

    DecodingDeserializationSchema(WireFormat format, ValidationLimits limits) {
        this.format = Objects.requireNonNull(format, "format");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Creates the (non-serializable) decoder on the task. */
    protected abstract void openDecoder(Clock clock);

    protected abstract DecodeResult<V> decode(byte[] key, byte[] value);

    protected abstract T accepted(V value, ConsumerRecord<byte[], byte[]> record);

    protected abstract TypeInformation<T> acceptedType();

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        Clock clock = Clock.systemUTC();
        deadLetters = new DeadLetters(clock);
        openDecoder(clock);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out) {
        DecodeResult<V> result = decode(record.key(), record.value());
        if (result.isValid()) {
            out.collect(Either.Right(accepted(result.value(), record)));
        } else {
            out.collect(Either.Left(deadLetters.refused(result.violations(), record.key(), record.value(),
                    record.topic(), record.partition(), record.offset())));
        }
    }

    @Override
    public TypeInformation<Either<DeadLetter, T>> getProducedType() {
        return new EitherTypeInfo<>(new AvroTypeInfo<>(DeadLetter.class), acceptedType());
    }
}
