package io.streamrec.model.eval;

import java.util.List;

/** A way to train a model on part of the data and measure its rankings on the rest. */
public interface Protocol {

    /** Short name for reports: {@code loo}, {@code prequential}. */
    String name();

    ProtocolResult run(
            SequentialRecommender.Factory model,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress);
}
