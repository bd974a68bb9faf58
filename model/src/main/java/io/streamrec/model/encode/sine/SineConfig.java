package io.streamrec.model.encode.sine;

import io.streamrec.model.encode.EncoderSettings;
import java.util.Map;

/**
 * Settings of the {@link SineEncoder} beyond the sizes in {@code EncoderDimensions}; defaults are the paper's.
 *
 * @param conceptCount     L, prototypes in the concept pool ({@value #CONCEPTS}, default 500)
 * @param interestCount    K, concepts activated per user = interest vectors returned ({@value #INTERESTS}, default 4)
 * @param temperature      τ of the interest aggregation softmax ({@value #TEMPERATURE}, default 0.1)
 * @param covarianceWeight λ, weight of the covariance regulariser L_c in the loss ({@value #COVARIANCE_WEIGHT}, default 0.5)
 * @param maxSessionLength positions with a learned position embedding; longer sessions are rejected
 *                         ({@value #MAX_SESSION_LENGTH}, default 50, the session length cap of the user state)
 */
public record SineConfig(
        int conceptCount, int interestCount, double temperature, double covarianceWeight, int maxSessionLength) {

    public static final String CONCEPTS = "sine.concepts";
    public static final String INTERESTS = "sine.interests";
    public static final String TEMPERATURE = "sine.temperature";
    public static final String COVARIANCE_WEIGHT = "sine.covariance.weight";
    public static final String MAX_SESSION_LENGTH = "sine.max.session.length";

    public SineConfig {
        if (interestCount < 1) {
            throw new IllegalArgumentException(INTERESTS + " must be at least 1, got " + interestCount);
        }
        if (conceptCount < interestCount) {
            throw new IllegalArgumentException(CONCEPTS + " (" + conceptCount + ") must be at least " + INTERESTS + " ("
                    + interestCount + "): the K interests are picked from the L concepts");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(TEMPERATURE + " must be a positive number, got " + temperature);
        }
        if (!(covarianceWeight >= 0) || Double.isInfinite(covarianceWeight)) {
            throw new IllegalArgumentException(
                    COVARIANCE_WEIGHT + " must be >= 0 (0 turns the regulariser off), got " + covarianceWeight);
        }
        if (maxSessionLength < 1) {
            throw new IllegalArgumentException(MAX_SESSION_LENGTH + " must be at least 1, got " + maxSessionLength);
        }
    }

    public static SineConfig defaults() {
        return new SineConfig(500, 4, 0.1, 0.5, 50);
    }

    /** Every setting as the {@code sine.*} keys {@link #fromSettings} reads. */
    public Map<String, String> toSettings() {
        return Map.of(
                CONCEPTS, Integer.toString(conceptCount),
                INTERESTS, Integer.toString(interestCount),
                TEMPERATURE, Double.toString(temperature),
                COVARIANCE_WEIGHT, Double.toString(covarianceWeight),
                MAX_SESSION_LENGTH, Integer.toString(maxSessionLength));
    }

    /** Reads {@code sine.*} keys, defaulting absent ones; unknown {@code sine.*} keys are rejected. */
    public static SineConfig fromSettings(Map<String, String> settings) {
        SineConfig d = defaults();
        EncoderSettings s = new EncoderSettings(SineEncoder.NAME, settings);
        SineConfig config = new SineConfig(
                s.getInt(CONCEPTS, d.conceptCount),
                s.getInt(INTERESTS, d.interestCount),
                s.getDouble(TEMPERATURE, d.temperature),
                s.getDouble(COVARIANCE_WEIGHT, d.covarianceWeight),
                s.getInt(MAX_SESSION_LENGTH, d.maxSessionLength));
        s.rejectUnknown();
        return config;
    }
}
