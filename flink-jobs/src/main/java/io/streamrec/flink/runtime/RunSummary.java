package io.streamrec.flink.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a {@code streamrec run} did, written as JSON by {@code --summary-json}. A new figure (user
 * vectors published, latency percentiles, ...) is one more component here and one more line where
 * the summary is built; readers of the JSON ignore fields they do not know.
 *
 * @param events events the job consumed: applied to user state or dead-lettered
 * @param eventsPerSec {@code events} over the time the job was busy: from its submission to the
 *     progress reading at which the count last grew (so idle time after a replay is not counted;
 *     deployment is)
 * @param eventsProduced events this run replayed into the events topic (0 when it replayed none)
 * @param dlq records in the dead-letter topic
 * @param users the most users holding state at once, sampled at every progress reading (state
 *     expires some event time after a user's last event, so on a long replay this stays far below
 *     the users seen)
 * @param usersAtEnd users holding state at the end
 * @param sessionsClosed sessions closed into long-term history
 * @param checkpoints completed checkpoints
 * @param durationSec wall-clock seconds from job submission to the end of the run
 * @param bootstrapServers the Kafka the run used
 */
public record RunSummary(
        long events,
        double eventsPerSec,
        long eventsProduced,
        long dlq,
        long users,
        long usersAtEnd,
        long sessionsClosed,
        long checkpoints,
        double durationSec,
        String bootstrapServers) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static RunSummary of(JobProgress last, double busySec, long peakUsers, double durationSec,
            String bootstrapServers) {
        double rate = busySec > 0 ? last.events() / busySec : 0;
        return new RunSummary(last.events(), Math.round(rate * 10) / 10.0, last.eventsProduced(), last.dlq(),
                Math.max(peakUsers, last.users()), last.users(), last.sessionsClosed(), last.checkpoints(), Math.round(durationSec * 10) / 10.0,
                bootstrapServers);
    }

    /** Writes this summary as pretty-printed JSON, creating parent folders. */
    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), this);
    }

    public static RunSummary readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RunSummary.class);
    }
}
