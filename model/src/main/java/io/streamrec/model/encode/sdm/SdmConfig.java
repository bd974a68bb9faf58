package io.streamrec.model.encode.sdm;

import io.streamrec.model.encode.EncoderSettings;
import java.util.Map;

/**
 * Settings of the {@link SdmEncoder} beyond the sizes in {@code EncoderDimensions}. The hidden width of
 * the LSTM and the attention is the output width D, as in the paper, so that s_t^u and p^u can be gated.
 *
 * @param attentionHeads h, heads of the multi-head self-attention; must divide D ({@value #ATTENTION_HEADS}, default 2)
 * @param lstmLayers     stacked LSTM layers over the session ({@value #LSTM_LAYERS}, default 1)
 */
public record SdmConfig(int attentionHeads, int lstmLayers) {

    public static final String ATTENTION_HEADS = "sdm.attention.heads";
    public static final String LSTM_LAYERS = "sdm.lstm.layers";

    public SdmConfig {
        if (attentionHeads < 1) {
            throw new IllegalArgumentException(ATTENTION_HEADS + " must be at least 1, got " + attentionHeads);
        }
        if (lstmLayers < 1) {
            throw new IllegalArgumentException(LSTM_LAYERS + " must be at least 1, got " + lstmLayers);
        }
    }

    public static SdmConfig defaults() {
        return new SdmConfig(2, 1);
    }

    /** Reads {@code sdm.*} keys, defaulting absent ones; unknown {@code sdm.*} keys are rejected. */
    public static SdmConfig fromSettings(Map<String, String> settings) {
        SdmConfig d = defaults();
        EncoderSettings s = new EncoderSettings(SdmEncoder.NAME, settings);
        SdmConfig config =
                new SdmConfig(s.getInt(ATTENTION_HEADS, d.attentionHeads), s.getInt(LSTM_LAYERS, d.lstmLayers));
        s.rejectUnknown();
        return config;
    }

    /** Every setting as the {@code sdm.*} keys {@link #fromSettings} reads. */
    public Map<String, String> toSettings() {
        return Map.of(ATTENTION_HEADS, Integer.toString(attentionHeads), LSTM_LAYERS, Integer.toString(lstmLayers));
    }

    /** Checks the settings against the sizes the encoder is built for. */
    void validateFor(int outputDim) {
        if (outputDim % attentionHeads != 0) {
            throw new IllegalArgumentException(ATTENTION_HEADS + "=" + attentionHeads
                    + " must divide the output width D=" + outputDim + "; choose a divisor of " + outputDim);
        }
    }
}
