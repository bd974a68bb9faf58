package io.streamrec.flink.train;

import io.streamrec.model.sync.LatestPublishedVersion;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates the {@link TrainerOperator} with its task's mailbox (as {@code AsyncWaitOperatorFactory} does),
 * and attaches it to a stream of training examples with {@link #attach}.
 */
public final class TrainerOperatorFactory extends AbstractStreamOperatorFactory<ModelUpdate>
        implements OneInputStreamOperatorFactory<TrainingExample, ModelUpdate> {

    private static final long serialVersionUID = 1L;
    /** The stable uid of the trainer operator: its checkpointed model is found by it. */
    public static final String UID = "trainer";

    private final TrainerOperatorConfig config;
    private final LatestPublishedVersion published;

    /** A trainer whose fresh start begins at version 1 (nothing was published before it). */
    public TrainerOperatorFactory(TrainerOperatorConfig config) {
        this(config, LatestPublishedVersion.NONE);
    }

    /** A trainer whose fresh start (no checkpoint) continues after the version {@code published} reports. */
    public TrainerOperatorFactory(TrainerOperatorConfig config, LatestPublishedVersion published) {
        this.config = config;
        this.published = published;
    }

    /**
     * The trainer on {@code examples}, at parallelism 1, named and with uid {@value #UID}. Its output is the
     * chunked model updates, to be sunk to {@code model-updates} keyed by model name.
     */
    public static SingleOutputStreamOperator<ModelUpdate> attach(
            DataStream<TrainingExample> examples, TrainerOperatorConfig config) {
        return attach(examples, config, LatestPublishedVersion.NONE);
    }

    /** As {@link #attach(DataStream, TrainerOperatorConfig)}, continuing after {@code published} when started fresh. */
    public static SingleOutputStreamOperator<ModelUpdate> attach(
            DataStream<TrainingExample> examples, TrainerOperatorConfig config, LatestPublishedVersion published) {
        return examples.transform(
                        "trainer (" + config.encoder() + ")",
                        new AvroTypeInfo<>(ModelUpdate.class),
                        new TrainerOperatorFactory(config, published))
                .uid(UID)
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<ModelUpdate>> T createStreamOperator(
            StreamOperatorParameters<ModelUpdate> parameters) {
        return (T) new TrainerOperator(parameters, config, published);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return TrainerOperator.class;
    }
}
