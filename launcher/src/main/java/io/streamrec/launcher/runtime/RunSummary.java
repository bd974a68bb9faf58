package io.streamrec.launcher.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;

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
 * @param vectors user vectors the encoders emitted (0 without the model loop)
 * @param vectorsPerSec {@code vectors} over the same busy time as {@code eventsPerSec}
 * @param examplesTrained examples the trainer trained on
 * @param fractionTrained examples trained over examples seen; below 1 when the trainer sampled under load
 * @param loss the trainer's recent mean loss at the end
 * @param prequentialHr50 the model's recent HR@50 on examples before training on them, at the end
 * @param popularityHr50 recent HR@50 of recent popularity on the same examples, in the same run
 * @param modelVersion the last version the trainer published
 * @param latencyP50Ms median event-to-vector latency (replay send to vector readable on user-vectors)
 * @param latencyP99Ms its 99th percentile
 * @param steady the figures after the warm-up ({@code --warmup}); null when the run had none or ended inside it
 * @param jobStatus the job's Flink status when the run ended: {@code RUNNING} (the run stopped it),
 *     {@code FINISHED}, {@code CANCELED}, or {@code FAILED} (it could not recover, or the local cluster died)
 * @param restarts restarts of the job from its last checkpoint during the run
 * @param failureCause the root cause of the job's latest failure (the one that ended it, or the last it recovered
 *     from); null when it never failed
 * @param prequential the model's and both baselines' hit rates over the second half of every example the trainer
 *     scored (each example ranked by all three before any learnt it); null when nothing was scored
 * @param trainerMsPerSec milliseconds per second of run that the training thread spent in each phase (score,
 *     forwardBackward, optimiser, publish, checkpoint, and rounds, their whole); empty without the model loop
 * The model figures are null when not measured (no model loop, or nothing scored or matched yet).
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
        String bootstrapServers,
        long vectors,
        double vectorsPerSec,
        long examplesTrained,
        Double fractionTrained,
        Double loss,
        Double prequentialHr50,
        Double popularityHr50,
        long modelVersion,
        Double latencyP50Ms,
        Double latencyP99Ms,
        SteadyState steady,
        String jobStatus,
        long restarts,
        String failureCause,
        Prequential prequential,
        Map<String, Double> trainerMsPerSec) {

    public RunSummary {
        trainerMsPerSec = trainerMsPerSec == null ? Map.of() : Map.copyOf(trainerMsPerSec);
    }

    /** Hit rates over the second half of the examples scored, as {@code "prequential"} in the summary JSON. */
    public record Prequential(long examples, ModelHits model, BaselineHits popularity, BaselineHits itemcf) {

        /** The model's HR@10 and HR@50. */
        public record ModelHits(Double hr10, Double hr50) {}

        /** A baseline's HR@50. */
        public record BaselineHits(Double hr50) {}

        static Prequential of(TrainerFigures t) {
            if (t.secondHalfExamples() <= 0) {
                return null;
            }
            return new Prequential(
                    t.secondHalfExamples(),
                    new ModelHits(measured(t.secondHalfHr10(), 10_000), measured(t.secondHalfHr50(), 10_000)),
                    new BaselineHits(measured(t.secondHalfPopularityHr50(), 10_000)),
                    new BaselineHits(measured(t.secondHalfItemCfHr50(), 10_000)));
        }
    }

    /** The summary of a run whose job ran as it should, with the figures after its warm-up. */
    public RunSummary(
            long events,
            double eventsPerSec,
            long eventsProduced,
            long dlq,
            long users,
            long usersAtEnd,
            long sessionsClosed,
            long checkpoints,
            double durationSec,
            String bootstrapServers,
            long vectors,
            double vectorsPerSec,
            long examplesTrained,
            Double fractionTrained,
            Double loss,
            Double prequentialHr50,
            Double popularityHr50,
            long modelVersion,
            Double latencyP50Ms,
            Double latencyP99Ms,
            SteadyState steady) {
        this(
                events,
                eventsPerSec,
                eventsProduced,
                dlq,
                users,
                usersAtEnd,
                sessionsClosed,
                checkpoints,
                durationSec,
                bootstrapServers,
                vectors,
                vectorsPerSec,
                examplesTrained,
                fractionTrained,
                loss,
                prequentialHr50,
                popularityHr50,
                modelVersion,
                latencyP50Ms,
                latencyP99Ms,
                steady,
                JobState.RUNNING.summaryStatus(),
                0,
                null,
                null,
                Map.of());
    }

    /** The summary of a run without a warm-up. */
    public RunSummary(
            long events,
            double eventsPerSec,
            long eventsProduced,
            long dlq,
            long users,
            long usersAtEnd,
            long sessionsClosed,
            long checkpoints,
            double durationSec,
            String bootstrapServers,
            long vectors,
            double vectorsPerSec,
            long examplesTrained,
            Double fractionTrained,
            Double loss,
            Double prequentialHr50,
            Double popularityHr50,
            long modelVersion,
            Double latencyP50Ms,
            Double latencyP99Ms) {
        this(
                events,
                eventsPerSec,
                eventsProduced,
                dlq,
                users,
                usersAtEnd,
                sessionsClosed,
                checkpoints,
                durationSec,
                bootstrapServers,
                vectors,
                vectorsPerSec,
                examplesTrained,
                fractionTrained,
                loss,
                prequentialHr50,
                popularityHr50,
                modelVersion,
                latencyP50Ms,
                latencyP99Ms,
                null);
    }

    /** The summary of an ingestion-only run. */
    public RunSummary(
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
        this(
                events,
                eventsPerSec,
                eventsProduced,
                dlq,
                users,
                usersAtEnd,
                sessionsClosed,
                checkpoints,
                durationSec,
                bootstrapServers,
                0,
                0,
                0,
                null,
                null,
                null,
                null,
                0,
                null,
                null);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static RunSummary of(
            JobProgress last, double busySec, long peakUsers, double durationSec, String bootstrapServers) {
        ModelProgress model = last.model();
        return new RunSummary(
                last.events(),
                perSecond(last.events(), busySec),
                last.eventsProduced(),
                last.dlq(),
                Math.max(peakUsers, last.users()),
                last.users(),
                last.sessionsClosed(),
                last.checkpoints(),
                round(durationSec, 10),
                bootstrapServers,
                model.vectors(),
                perSecond(model.vectors(), busySec),
                model.examplesTrained(),
                measured(model.fractionTrained(), 1000),
                measured(model.loss(), 1000),
                measured(model.prequentialHr50(), 1000),
                measured(model.popularityHr50(), 1000),
                model.modelVersion(),
                measured(model.latencyP50Ms(), 1),
                measured(model.latencyP99Ms(), 1),
                null,
                last.job().summaryStatus(),
                last.job().restarts(),
                last.job().lastFailure().orElse(null),
                Prequential.of(model.trainer()),
                model.trainer().phaseMsPerSecondSince(TrainerFigures.NONE, durationSec));
    }

    /** This summary with the figures after the warm-up. */
    RunSummary withSteady(SteadyState figures) {
        return new RunSummary(
                events,
                eventsPerSec,
                eventsProduced,
                dlq,
                users,
                usersAtEnd,
                sessionsClosed,
                checkpoints,
                durationSec,
                bootstrapServers,
                vectors,
                vectorsPerSec,
                examplesTrained,
                fractionTrained,
                loss,
                prequentialHr50,
                popularityHr50,
                modelVersion,
                latencyP50Ms,
                latencyP99Ms,
                figures,
                jobStatus,
                restarts,
                failureCause,
                prequential,
                trainerMsPerSec);
    }

    /** True when the job failed for good: the run should end with a non-zero exit code. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean jobFailed() {
        return JobStatus.FAILED.name().equals(jobStatus);
    }

    /** {@code count} per second over {@code seconds}, to a tenth; 0 over no time. */
    static double perSecond(long count, double seconds) {
        return seconds > 0 ? round(count / seconds, 10) : 0;
    }

    /** {@code value} rounded to 1/{@code scale}, or null (absent in the JSON) when it was not measured (NaN). */
    static Double measured(double value, int scale) {
        return Double.isNaN(value) ? null : round(value, scale);
    }

    static double round(double value, int scale) {
        return Math.round(value * scale) / (double) scale;
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
