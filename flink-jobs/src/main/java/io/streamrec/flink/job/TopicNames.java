package io.streamrec.flink.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Kafka topics of the job (DESIGN.md §4). Every name is configurable; the defaults are the contract's.
 *
 * @param events        raw behaviour events keyed by userId (default {@value #DEFAULT_EVENTS})
 * @param userProfiles  compacted latest profile per user (default {@value #DEFAULT_USER_PROFILES})
 * @param eventsDlq     dead letters: refused records with their reasons (default {@value #DEFAULT_EVENTS_DLQ})
 * @param userFeatures  debug topic of every FeatureSnapshot as JSON, written only when enabled
 *                      (default {@value #DEFAULT_USER_FEATURES})
 * @param userVectors   compacted user vectors (default {@value #DEFAULT_USER_VECTORS})
 * @param modelUpdates  model snapshots and deltas (default {@value #DEFAULT_MODEL_UPDATES})
 */
public record TopicNames(
        String events,
        String userProfiles,
        String eventsDlq,
        String userFeatures,
        String userVectors,
        String modelUpdates) {

    public static final String DEFAULT_EVENTS = "events";
    public static final String DEFAULT_USER_PROFILES = "user-profiles";
    public static final String DEFAULT_EVENTS_DLQ = "events-dlq";
    public static final String DEFAULT_USER_FEATURES = "user-features";
    public static final String DEFAULT_USER_VECTORS = "user-vectors";
    public static final String DEFAULT_MODEL_UPDATES = "model-updates";

    public TopicNames {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(userProfiles, "userProfiles");
        Objects.requireNonNull(eventsDlq, "eventsDlq");
        Objects.requireNonNull(userFeatures, "userFeatures");
        Objects.requireNonNull(userVectors, "userVectors");
        Objects.requireNonNull(modelUpdates, "modelUpdates");
    }

    public static TopicNames defaults() {
        return new TopicNames(
                DEFAULT_EVENTS,
                DEFAULT_USER_PROFILES,
                DEFAULT_EVENTS_DLQ,
                DEFAULT_USER_FEATURES,
                DEFAULT_USER_VECTORS,
                DEFAULT_MODEL_UPDATES);
    }

    public TopicNames withEvents(String name) {
        return new TopicNames(name, userProfiles, eventsDlq, userFeatures, userVectors, modelUpdates);
    }

    public TopicNames withUserProfiles(String name) {
        return new TopicNames(events, name, eventsDlq, userFeatures, userVectors, modelUpdates);
    }

    public TopicNames withEventsDlq(String name) {
        return new TopicNames(events, userProfiles, name, userFeatures, userVectors, modelUpdates);
    }

    public TopicNames withUserFeatures(String name) {
        return new TopicNames(events, userProfiles, eventsDlq, name, userVectors, modelUpdates);
    }

    public TopicNames withUserVectors(String name) {
        return new TopicNames(events, userProfiles, eventsDlq, userFeatures, name, modelUpdates);
    }

    public TopicNames withModelUpdates(String name) {
        return new TopicNames(events, userProfiles, eventsDlq, userFeatures, userVectors, name);
    }

    /** Each role with its topic name, in contract order; used to validate them together. */
    Map<String, String> byRole() {
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put("events", events);
        roles.put("userProfiles", userProfiles);
        roles.put("eventsDlq", eventsDlq);
        roles.put("userFeatures", userFeatures);
        roles.put("userVectors", userVectors);
        roles.put("modelUpdates", modelUpdates);
        return roles;
    }
}
