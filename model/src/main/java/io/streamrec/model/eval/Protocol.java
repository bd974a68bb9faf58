package io.streamrec.model.eval;

import java.util.List;

/** A way to train a model on part of the data and measure its rankings on the rest. */
public interface Protocol {

    /** Short name for reports: {@code loo}, {@code prequential}, {@code stream}. */
    String name();

    /** The figures of one model (a protocol that ranks baselines beside it returns theirs too; none when it skips it). */
    List<ProtocolResult> run(
            SequentialRecommender.Factory model,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress);
}
