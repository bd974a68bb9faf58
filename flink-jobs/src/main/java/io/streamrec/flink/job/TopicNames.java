package io.streamrec.flink.job;

import java.util.Objects;

/**
 * The Kafka topics of the job, as {@link StreamrecJobConfig#topics()} resolves them from the topic options of
 * {@link JobOptions} (docs/design.md, "Topics and schemas").
 *
 * @param events       raw behaviour events keyed by userId
 * @param userProfiles compacted latest profile per user
 * @param eventsDlq    dead letters: refused records with their reasons
 * @param userFeatures debug topic of every FeatureSnapshot as JSON, written only when enabled
 * @param userVectors  compacted user vectors
 * @param modelUpdates FULL and DELTA model updates
 */
public record TopicNames(
        String events,
        String userProfiles,
        String eventsDlq,
        String userFeatures,
        String userVectors,
        String modelUpdates) {

    public TopicNames {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(userProfiles, "userProfiles");
        Objects.requireNonNull(eventsDlq, "eventsDlq");
        Objects.requireNonNull(userFeatures, "userFeatures");
        Objects.requireNonNull(userVectors, "userVectors");
        Objects.requireNonNull(modelUpdates, "modelUpdates");
    }
}
