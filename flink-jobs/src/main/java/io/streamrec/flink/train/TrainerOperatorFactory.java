package io.streamrec.flink.train;

import io.streamrec.model.sync.LatestPublishedVersion;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates the {@link TrainerOperator} with its task's mailbox (as {@code AsyncWaitOperatorFactory} does);
 * {@link TrainerOperator#attach} adds it to a job graph.
 */
final class TrainerOperatorFactory extends AbstractStreamOperatorFactory<ModelUpdate>
        implements OneInputStreamOperatorFactory<TrainingExample, ModelUpdate> {

    private static final long serialVersionUID = 1L;

    private final TrainerOperatorConfig config;
    private final LatestPublishedVersion published;

    /** A trainer whose fresh start (no checkpoint) continues after the version {@code published} reports. */
    TrainerOperatorFactory(TrainerOperatorConfig config, LatestPublishedVersion published) {
        this.config = config;
        this.published = published;
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
