package io.streamrec.model.history;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;

/**
 * What applying one event to a user's history produced.
 *
 * @param example the state before the event, with the event's behaviour as the target (test-then-train)
 * @param after the state after the event, which the encoder turns into the user's vector
 * @param closedSession whether the event ended the previous session (its behaviours moved to L^u)
 */
public record HistoryStep(TrainingExample example, FeatureSnapshot after, boolean closedSession) {}
