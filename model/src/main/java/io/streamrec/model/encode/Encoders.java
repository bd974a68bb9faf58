package io.streamrec.model.encode;

import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineConfig;
import io.streamrec.model.encode.sine.SineEncoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The user encoders by name, as configuration and {@code UserVector.modelName} spell them.
 *
 * <p>{@link #factory} reads and validates an encoder's settings at once, so a bad setting fails at start-up,
 * and returns the {@code Function<EncoderDimensions, UserEncoder>} the trainer and the encoder replicas
 * take (the dimensions are known only once the vocabularies and tables are configured).
 */
public final class Encoders {

    /** Reads one encoder's settings and returns how to build it for given dimensions. */
    @FunctionalInterface
    private interface Configurer {
        Function<EncoderDimensions, UserEncoder> configure(Map<String, String> settings);
    }

    private static final Map<String, Configurer> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(SdmEncoder.NAME, settings -> {
            SdmConfig config = SdmConfig.fromSettings(settings);
            return dims -> new SdmEncoder(dims, config);
        });
        REGISTRY.put(SineEncoder.NAME, settings -> {
            SineConfig config = SineConfig.fromSettings(settings);
            return dims -> new SineEncoder(dims, config);
        });
        REGISTRY.put(MeanPoolEncoder.NAME, MeanPoolEncoder::factory);
    }

    private Encoders() {}

    /** The registered names, in registration order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    /**
     * Validates {@code settings} for encoder {@code name} now and returns a factory for it.
     *
     * @param settings flat keys such as {@code sdm.attention.heads} or {@code sine.concepts}; absent keys take
     *                 their documented defaults, keys of other encoders are ignored
     * @throws IllegalArgumentException for an unknown name, an unknown key of this encoder or a bad value
     */
    public static Function<EncoderDimensions, UserEncoder> factory(String name, Map<String, String> settings) {
        Configurer configurer = REGISTRY.get(name);
        if (configurer == null) {
            throw new IllegalArgumentException("unknown encoder '" + name + "'; choose one of " + names());
        }
        return configurer.configure(settings);
    }

    /** Builds encoder {@code name} for {@code dimensions} with the given settings. */
    public static UserEncoder create(String name, EncoderDimensions dimensions, Map<String, String> settings) {
        return factory(name, settings).apply(dimensions);
    }

    /** Builds encoder {@code name} for {@code dimensions} with its default settings. */
    public static UserEncoder create(String name, EncoderDimensions dimensions) {
        return create(name, dimensions, Map.of());
    }
}
