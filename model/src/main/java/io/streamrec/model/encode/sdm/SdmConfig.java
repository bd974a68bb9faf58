package io.streamrec.model.encode.sdm;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import java.util.Map;

/**
 * Settings of the {@link SdmEncoder} beyond the sizes in {@code EncoderDimensions}. The hidden width of the LSTM and
 * the attention is the output width D, as in the paper, so that s_t^u and p^u can be gated.
 *
 * @param attentionHeads h, heads of the multi-head self-attention; must divide D
 * @param lstmLayers     stacked LSTM layers over the session
 */
public record SdmConfig(int attentionHeads, int lstmLayers) {

    public static final Option<Integer> ATTENTION_HEADS = Option.key("sdm.attention-heads")
            .intType()
            .defaultValue(2)
            .withDescription("SDM: h, heads of the multi-head self-attention over the session; must divide D.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> LSTM_LAYERS = Option.key("sdm.lstm-layers")
            .intType()
            .defaultValue(1)
            .withDescription("SDM: stacked LSTM layers over the session.")
            .withCheck(Check.atLeast(1));

    public static final OptionTable OPTIONS = OptionTable.builder("SDM encoder settings")
            .section("SDM encoder", ATTENTION_HEADS, LSTM_LAYERS)
            .build();

    public SdmConfig {
        ATTENTION_HEADS.require(attentionHeads);
        LSTM_LAYERS.require(lstmLayers);
    }

    public static SdmConfig defaults() {
        return from(Settings.empty());
    }

    /** The values of {@link #OPTIONS} in {@code settings}. */
    public static SdmConfig from(Settings settings) {
        return new SdmConfig(settings.get(ATTENTION_HEADS), settings.get(LSTM_LAYERS));
    }

    /** Every setting as text under its {@code sdm.*} key, as {@link #OPTIONS} reads it back. */
    public Map<String, String> toSettings() {
        return OPTIONS.allValues(Settings.builder()
                .set(ATTENTION_HEADS, attentionHeads)
                .set(LSTM_LAYERS, lstmLayers)
                .build());
    }

    /** Checks the settings against the sizes the encoder is built for. */
    void validateFor(int outputDim) {
        if (outputDim % attentionHeads != 0) {
            throw new IllegalArgumentException(ATTENTION_HEADS.key() + " is " + attentionHeads
                    + ": it must divide the output width D=" + outputDim + "; choose a divisor of " + outputDim);
        }
    }
}
