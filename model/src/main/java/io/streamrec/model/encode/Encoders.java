package io.streamrec.model.encode;

import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineConfig;
import io.streamrec.model.encode.sine.SineEncoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The user encoders by name, as configuration and {@code UserVector.modelName} spell them, each with its options.
 * A new encoder is one {@link #register} line here: its name, its {@link OptionTable} (keys in the encoder's own
 * namespace, {@code sdm.attention-heads}) and how to build it from their values.
 *
 * <p>{@link #factory} reads and checks an encoder's settings at once, so a bad setting fails at start-up, and
 * returns the {@code Function<EncoderDimensions, UserEncoder>} the trainer and the encoder replicas take (the
 * dimensions are known only once the vocabularies and tables are configured).
 */
public final class Encoders {

    /** Builds an encoder factory from the values of the encoder's options. */
    @FunctionalInterface
    private interface Configurer {
        Function<EncoderDimensions, UserEncoder> configure(Settings settings);
    }

    private record Registration(OptionTable options, Configurer configurer) {}

    private static final Map<String, Registration> REGISTRY = new LinkedHashMap<>();

    static {
        register(SdmEncoder.NAME, SdmConfig.OPTIONS, settings -> {
            SdmConfig config = SdmConfig.from(settings);
            return dims -> new SdmEncoder(dims, config);
        });
        register(SineEncoder.NAME, SineConfig.OPTIONS, settings -> {
            SineConfig config = SineConfig.from(settings);
            return dims -> new SineEncoder(dims, config);
        });
        register(MeanPoolEncoder.NAME, MeanPoolEncoder.OPTIONS, MeanPoolEncoder::factory);
    }

    private Encoders() {}

    private static void register(String name, OptionTable options, Configurer configurer) {
        REGISTRY.put(name, new Registration(options, configurer));
    }

    /** The registered names, in registration order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    /** The options of encoder {@code name}. */
    public static OptionTable options(String name) {
        return registration(name).options();
    }

    /** The option tables of every encoder, in registration order. */
    public static List<OptionTable> allOptions() {
        return REGISTRY.values().stream().map(Registration::options).toList();
    }

    /**
     * Checks the settings of encoder {@code name} now and returns a factory for it.
     *
     * @param settings values of the encoder's options (values of other options are ignored)
     * @throws IllegalArgumentException for an unknown name or a bad value, with every problem listed
     */
    public static Function<EncoderDimensions, UserEncoder> factory(String name, Settings settings) {
        Registration registration = registration(name);
        return registration.configurer().configure(registration.options().check(settings));
    }

    /**
     * {@link #factory(String, Settings)} from text, as a FULL update's config or {@code key=value} settings carry
     * it: keys of encoder {@code name} are read and checked, every other key is ignored.
     */
    public static Function<EncoderDimensions, UserEncoder> factory(String name, Map<String, String> settings) {
        Registration registration = registration(name);
        Map<String, String> own = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(name + ".")) {
                own.put(key, value);
            }
        });
        return registration.configurer().configure(registration.options().parse(own));
    }

    /** Builds encoder {@code name} for {@code dimensions} with the given settings. */
    public static UserEncoder create(String name, EncoderDimensions dimensions, Map<String, String> settings) {
        return factory(name, settings).apply(dimensions);
    }

    /** Builds encoder {@code name} for {@code dimensions} with its default settings. */
    public static UserEncoder create(String name, EncoderDimensions dimensions) {
        return create(name, dimensions, Map.of());
    }

    private static Registration registration(String name) {
        Registration registration = REGISTRY.get(name);
        if (registration == null) {
            throw new IllegalArgumentException("unknown encoder '" + name + "'; choose one of " + names());
        }
        return registration;
    }
}
