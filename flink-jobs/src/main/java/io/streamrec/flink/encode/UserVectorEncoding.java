package io.streamrec.flink.encode;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Attaches the {@link UserVectorEncoderOperator} to a job graph. */
public final class UserVectorEncoding {

    /** Stable uid of the encoder operator, so savepoints (its pending snapshots) survive code changes. */
    public static final String UID_ENCODER = "user-vector-encoder";

    private UserVectorEncoding() {}

    /**
     * Encodes {@code snapshots} with the model carried by {@code modelUpdates}.
     *
     * @param snapshots    the user state's feature snapshots; the encoder takes their parallelism, so it chains to
     *                     the user-state operator (a forward edge, no shuffle)
     * @param modelUpdates every chunk of {@code model-updates}, read from the earliest offset with no watermarks;
     *                     broadcast here, so every encoder subtask holds the same versions
     * @return user vectors, to be written to the compacted {@code user-vectors} topic keyed by userId
     */
    public static SingleOutputStreamOperator<UserVector> encode(
            DataStream<FeatureSnapshot> snapshots, DataStream<ModelUpdate> modelUpdates, EncoderOperatorConfig config) {
        return snapshots
                .connect(modelUpdates.broadcast())
                .transform(
                        "encode user vectors (" + config.encoderName() + ")",
                        new AvroTypeInfo<>(UserVector.class),
                        new UserVectorEncoderOperator(config))
                .setParallelism(snapshots.getParallelism())
                .uid(UID_ENCODER);
    }
}
