package io.streamrec.bench.encode;

import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sine.SineConfig;

/**
 * Dominant multiply-adds per user of one inference pass, counted from the equations; the roofline is a
 * plain matmul doing the same number. Element-wise work (activations, norms, softmax) is left out: it is
 * memory-bound and small beside the products.
 */
final class EncoderFlops {

    private EncoderFlops() {}

    /** SDM: LSTM gates, the four attention projections and the two T×T products, the long-term attentions, fusion and gate. */
    static long sdm(EncoderDimensions dims, SdmConfig config, int steps, int longTermLength) {
        long d = dims.outputDim();
        long in = dims.itemInputDim();
        long lstm = steps * 4L * d * (in + d) + (config.lstmLayers() - 1L) * steps * 4L * d * (d + d);
        long selfAttention = 4L * steps * d * d + 2L * steps * steps * d;
        long userAttention = 2L * steps * d;
        long longTerm = 0;
        for (Feature f : Feature.values()) {
            long df = dims.featureDim(f);
            longTerm += (df == d ? 0 : d * df) + 2L * longTermLength * df;
        }
        long user = dims.userDim() * d;
        return lstm + selfAttention + userAttention + longTerm + in * d + 3L * d * d + user;
    }

    /** SINE: the D×D projections of X (W1, W3, W3′), the K per-intention projections, concept scores and gather, and the T×K products. */
    static long sine(EncoderDimensions dims, SineConfig config, int steps) {
        long d = dims.outputDim();
        long in = dims.itemInputDim();
        long k = config.interestCount();
        long concepts = config.conceptCount();
        long projection = in == d ? 0 : steps * in * d;
        long activation = steps * d * d + steps * d + concepts * d + k * concepts * d;
        long assignment = steps * d * d + steps * k * d;
        long weighting = steps * d * k * d + steps * k * d;
        long embedding = k * steps * d;
        long aggregation = steps * k * d + steps * d * d + steps * d + 2L * k * d;
        return projection + activation + assignment + weighting + embedding + aggregation;
    }
}
