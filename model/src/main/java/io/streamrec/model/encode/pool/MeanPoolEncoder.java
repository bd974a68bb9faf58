package io.streamrec.model.encode.pool;

import ai.djl.nn.Block;
import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.OptionType;
import io.streamrec.config.Settings;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The mean-pooling reference encoder in the style of YouTube DNN (Covington et al., RecSys 2016):
 * average the session's item embeddings and each long-term feature's embeddings, append e_u, and
 * map through a ReLU MLP to D. It has no notion of order or of several interests (K = 1).
 */
public final class MeanPoolEncoder implements UserEncoder {

    public static final String NAME = "meanpool";

    public static final Option<List<Integer>> HIDDEN = Option.key("meanpool.hidden")
            .type(OptionType.INT_LIST)
            .defaultValue(List.of(128))
            .withDescription("Mean-pool: hidden ReLU widths of the MLP from the pooled embeddings to D.")
            .withCheck(Check.of(widths -> widths.stream().allMatch(w -> w > 0), "give positive widths"));

    public static final OptionTable OPTIONS = OptionTable.builder("mean-pool encoder settings")
            .section("Mean-pool encoder", HIDDEN)
            .build();

    private final EncoderDimensions dimensions;
    private final MeanPoolBlock block;
    private final int[] hidden;

    public MeanPoolEncoder(EncoderDimensions dimensions) {
        this(dimensions, widths(HIDDEN.defaultValue()));
    }

    public MeanPoolEncoder(EncoderDimensions dimensions, int... hidden) {
        for (int width : hidden) {
            if (width < 1) {
                throw new IllegalArgumentException("hidden widths must be positive, got " + Arrays.toString(hidden));
            }
        }
        this.dimensions = dimensions;
        this.hidden = hidden.clone();
        this.block = new MeanPoolBlock(dimensions, hidden.clone());
    }

    /** A factory from the values of {@link #OPTIONS}, the shape the {@code Encoders} registry takes. */
    public static Function<EncoderDimensions, UserEncoder> factory(Settings settings) {
        return factory(widths(HIDDEN.require(settings.get(HIDDEN))));
    }

    private static int[] widths(List<Integer> widths) {
        return widths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A factory for the trainer and replicas: {@code MeanPoolEncoder.factory(128)}. */
    public static Function<EncoderDimensions, UserEncoder> factory(int... hidden) {
        int[] widths = hidden.clone();
        return dims -> new MeanPoolEncoder(dims, widths);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EncoderDimensions dimensions() {
        return dimensions;
    }

    @Override
    public int interestCount() {
        return 1;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Map<String, String> settings() {
        return OPTIONS.allValues(Settings.builder()
                .set(HIDDEN, Arrays.stream(hidden).boxed().toList())
                .build());
    }
}
