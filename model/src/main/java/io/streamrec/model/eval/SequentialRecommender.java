package io.streamrec.model.eval;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.List;
import java.util.Set;

/**
 * What the evaluation protocols need of a model, baseline or neural. Every model sees the same
 * inputs: {@link TrainingExample}s (the user's features before an event, and that event's item) built
 * by the same history rules as the streaming job, and {@link FeatureSnapshot} contexts to rank for.
 * A model must not see the target of a context it is asked to rank.
 */
public interface SequentialRecommender extends AutoCloseable {

    /** Offline training on examples in event-time order (leave-last-one-out), reporting to {@code progress}. */
    void train(List<TrainingExample> examples, TrainingProgress progress);

    /**
     * Online learning from examples that have just been scored (prequential test-then-train).
     *
     * @return the batch's training loss, or NaN for models without one
     */
    double learn(List<TrainingExample> batch);

    /**
     * The top {@code k} items for each context, best first, leaving out the ids in the matching
     * {@code exclude} set (the protocol's rule, the same for every model).
     */
    List<List<String>> recommend(List<FeatureSnapshot> contexts, int k, List<Set<String>> exclude);

    @Override
    default void close() {}

    /** A named way to build a fresh, untrained model; each protocol run gets its own instance. */
    interface Factory {
        String name();

        SequentialRecommender create();

        static Factory of(String name, java.util.function.Supplier<SequentialRecommender> supplier) {
            return new Factory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public SequentialRecommender create() {
                    return supplier.get();
                }
            };
        }
    }
}
