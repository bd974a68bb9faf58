package io.streamrec.model.eval;

import io.streamrec.model.baseline.ItemCfRecommender;
import io.streamrec.model.baseline.PopularityRecommender;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.train.TrainerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Builds models by the names the command line uses: {@code popularity} (all time),
 * {@code popularity:30d} (a recent window in days), {@code itemcf} (α = 0.5), {@code itemcf:0.3},
 * and the neural ones trained by the streaming trainer: {@code meanpool}, {@code sdm}, {@code sine}.
 */
public final class Models {

    /** ItemCF neighbours kept per item. */
    public static final int ITEMCF_NEIGHBOURS = 200;
    /** ItemCF rebuilds when learning online: every this many examples. */
    public static final int ITEMCF_REFRESH_EVERY = 10_000;

    public static final double ITEMCF_DEFAULT_ALPHA = 0.5;

    private Models() {}

    /** Baselines only. */
    public static List<SequentialRecommender.Factory> parse(List<String> specs) {
        return specs.stream().map(Models::parse).toList();
    }

    /** Any model; the neural ones share {@code settings}, with capacities fitted to {@code data}. */
    public static List<SequentialRecommender.Factory> parse(
            List<String> specs, NeuralSettings settings, EvaluationData data) {
        return specs.stream().map(spec -> parse(spec, settings, data)).toList();
    }

    /** Fails on an unknown or malformed model name, before any data is read. */
    public static void requireKnown(List<String> specs) {
        specs.stream().filter(spec -> !isNeural(spec)).forEach(Models::parse);
    }

    private static boolean isNeural(String spec) {
        String name = spec.trim().toLowerCase(Locale.ROOT);
        return Encoders.names().contains(name);
    }

    public static SequentialRecommender.Factory parse(String spec, NeuralSettings settings, EvaluationData data) {
        String name = spec.trim().toLowerCase(Locale.ROOT);
        if (isNeural(name)) {
            Function<EncoderDimensions, UserEncoder> encoder = Encoders.factory(name, settings.settings());
            TrainerConfig config = settings.trainerConfig(data);
            return SequentialRecommender.Factory.of(name, () -> new NeuralRecommender(config, encoder, settings));
        }
        return parse(spec);
    }

    public static SequentialRecommender.Factory parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        switch (name) {
            case "popularity": {
                Duration window = arg == null ? null : days(arg, spec);
                return SequentialRecommender.Factory.of(s, () -> new PopularityRecommender(window));
            }
            case "itemcf": {
                double alpha = arg == null ? ITEMCF_DEFAULT_ALPHA : number(arg, spec);
                return SequentialRecommender.Factory.of(
                        s, () -> new ItemCfRecommender(alpha, ITEMCF_NEIGHBOURS, ITEMCF_REFRESH_EVERY));
            }
            default:
                throw new IllegalArgumentException("unknown model '" + spec
                        + "'; use popularity[:<days>d], itemcf[:<alpha>], meanpool, sdm, sine");
        }
    }

    private static Duration days(String arg, String spec) {
        if (!arg.endsWith("d")) {
            throw new IllegalArgumentException(
                    "a popularity window is written in days, e.g. popularity:30d; got '" + spec + "'");
        }
        return Duration.ofDays((long) number(arg.substring(0, arg.length() - 1), spec));
    }

    private static double number(String arg, String spec) {
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read the number in model '" + spec + "'", e);
        }
    }
}
