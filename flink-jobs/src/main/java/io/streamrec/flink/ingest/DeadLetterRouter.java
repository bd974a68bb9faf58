package io.streamrec.flink.ingest;

import io.streamrec.schemas.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes accepted records on and sends refused ones to the {@link #DEAD_LETTERS} side output. */
public final class DeadLetterRouter<T> extends ProcessFunction<Either<DeadLetter, T>, T> {

    private static final long serialVersionUID = 1L;

    /** Records refused at decoding, on their way to the dead-letter topic. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("refused-at-decoding", new AvroTypeInfo<>(DeadLetter.class));

    private final TypeInformation<T> acceptedType;

    public DeadLetterRouter(TypeInformation<T> acceptedType) {
        this.acceptedType = acceptedType;
    }

    public TypeInformation<T> acceptedType() {
        return acceptedType;
    }

    @Override
    public void processElement(Either<DeadLetter, T> record, Context ctx, Collector<T> out) {
        if (record.isRight()) {
            out.collect(record.right());
        } else {
            ctx.output(DEAD_LETTERS, record.left());
        }
    }
}
