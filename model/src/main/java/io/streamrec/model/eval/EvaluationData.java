package io.streamrec.model.eval;

import io.streamrec.model.data.EventDataset;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryReplay;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The validation split: every user's last example removed, so that leave-last-one-out holds out each user's
     * second-to-last event, which comes before the test target in time. Settings are tuned on this split and
     * reported on the full data, so nothing is tuned on a test target.
     */
    public EvaluationData forValidation() {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            last.put(userOf(examples.get(i)), i);
        }
        List<TrainingExample> kept = new ArrayList<>(examples.size() - last.size());
        for (int i = 0; i < examples.size(); i++) {
            if (last.get(userOf(examples.get(i))) != i) {
                kept.add(examples.get(i));
            }
        }
        return new EvaluationData(name + " (validation)", kept);
    }

    public static String userOf(TrainingExample e) {
        return e.getContext().getUserId();
    }

    public static String itemOf(TrainingExample e) {
        return e.getTarget().getItemId();
    }
}
