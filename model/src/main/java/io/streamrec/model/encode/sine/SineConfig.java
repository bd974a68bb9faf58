package io.streamrec.model.encode.sine;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import java.util.Map;

/**
 * Settings of the {@link SineEncoder} beyond the sizes in {@code EncoderDimensions}; defaults are the paper's.
 *
 * @param conceptCount     L, prototypes in the concept pool
 * @param interestCount    K, concepts activated per user = interest vectors returned
 * @param temperature      τ of the interest aggregation softmax
 * @param covarianceWeight λ, weight of the covariance regulariser L_c in the loss
 * @param maxSessionLength positions with a learned position embedding; longer sessions are rejected
 */
public record SineConfig(
        int conceptCount, int interestCount, double temperature, double covarianceWeight, int maxSessionLength) {

    public static final Option<Integer> CONCEPTS = Option.key("sine.concepts")
            .intType()
            .defaultValue(500)
            .withDescription("SINE: L, prototypes in the concept pool; at least sine.interests.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> INTERESTS = Option.key("sine.interests")
            .intType()
            .defaultValue(4)
            .withDescription("SINE: K, concepts activated per user, which is the interest vectors returned.")
            .withCheck(Check.atLeast(1));

    public static final Option<Double> TEMPERATURE = Option.key("sine.temperature")
            .doubleType()
            .defaultValue(0.1)
            .withDescription("SINE: τ of the interest aggregation softmax.")
            .withCheck(Check.positiveNumber());

    public static final Option<Double> COVARIANCE_WEIGHT = Option.key("sine.covariance-weight")
            .doubleType()
            .defaultValue(0.5)
            .withDescription("SINE: λ, weight of the covariance regulariser L_c that keeps prototypes apart; 0 turns"
                    + " it off.")
            .withCheck(Check.of(w -> w >= 0 && Double.isFinite(w), "set it to 0 or a finite number above it"));

    public static final Option<Integer> MAX_SESSION_LENGTH = Option.key("sine.max-session-length")
            .intType()
            .defaultValue(50)
            .withDescription("SINE: positions with a learned position embedding; longer sessions are refused (the"
                    + " user state closes a session at 50 items by default).")
            .withCheck(Check.atLeast(1));

    public static final OptionTable OPTIONS = OptionTable.builder("SINE encoder settings")
            .section("SINE encoder", CONCEPTS, INTERESTS, TEMPERATURE, COVARIANCE_WEIGHT, MAX_SESSION_LENGTH)
            .crossCheck((settings, problems) -> {
                if (settings.get(CONCEPTS) < settings.get(INTERESTS)) {
                    problems.add(problems.name(CONCEPTS) + " (" + settings.get(CONCEPTS) + ") is less than "
                            + problems.name(INTERESTS) + " (" + settings.get(INTERESTS) + "): the K interests are"
                            + " picked from the L concepts, so raise the concepts or lower the interests");
                }
            })
            .build();

    public SineConfig {
        CONCEPTS.require(conceptCount);
        INTERESTS.require(interestCount);
        TEMPERATURE.require(temperature);
        COVARIANCE_WEIGHT.require(covarianceWeight);
        MAX_SESSION_LENGTH.require(maxSessionLength);
        if (conceptCount < interestCount) {
            throw new IllegalArgumentException(CONCEPTS.key() + " (" + conceptCount + ") must be at least "
                    + INTERESTS.key() + " (" + interestCount + "): the K interests are picked from the L concepts");
        }
    }

    public static SineConfig defaults() {
        return from(Settings.empty());
    }

    /** Every setting as text under its {@code sine.*} key, as {@link #OPTIONS} reads it back. */
    public Map<String, String> toSettings() {
        return OPTIONS.allValues(Settings.builder()
                .set(CONCEPTS, conceptCount)
                .set(INTERESTS, interestCount)
                .set(TEMPERATURE, temperature)
                .set(COVARIANCE_WEIGHT, covarianceWeight)
                .set(MAX_SESSION_LENGTH, maxSessionLength)
                .build());
    }

    /** The values of {@link #OPTIONS} in {@code settings}. */
    public static SineConfig from(Settings settings) {
        return new SineConfig(
                settings.get(CONCEPTS),
                settings.get(INTERESTS),
                settings.get(TEMPERATURE),
                settings.get(COVARIANCE_WEIGHT),
                settings.get(MAX_SESSION_LENGTH));
    }
}
