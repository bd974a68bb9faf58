package io.streamrec.model.eval;

import io.streamrec.model.data.EventDataset;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryReplay;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * A dataset turned into training examples, one per event in event-time order, each holding the
 * user's features before the event (built by the streaming job's own history rules) and the event
 * as target. Both protocols split and replay this one list, so every model sees identical inputs.
 *
 * @param name     the dataset's name, for reports
 * @param examples in non-decreasing event time
 */
public record EvaluationData(String name, List<TrainingExample> examples) {

    public EvaluationData {
        examples = List.copyOf(examples);
    }

    /**
     * Replays a dataset through the streaming job's history rules ({@link HistoryReplay} with the
     * dataset's profiles) into one example per event; repeated event ids are skipped as online.
     */
    public static EvaluationData replay(EventDataset dataset, HistoryPolicy policy) throws IOException {
        HistoryReplay replay = new HistoryReplay(policy, dataset.profiles());
        try (Stream<UserEvent> events = dataset.events()) {
            List<TrainingExample> examples =
                    replay.replay(events).map(HistoryStep::example).toList();
            return new EvaluationData(dataset.name(), examples);
        }
    }

    public static String userOf(TrainingExample e) {
        return e.getContext().getUserId();
    }

    public static String itemOf(TrainingExample e) {
        return e.getTarget().getItemId();
    }
}
