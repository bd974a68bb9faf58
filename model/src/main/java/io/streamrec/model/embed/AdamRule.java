package io.streamrec.model.embed;

/**
 * The Adam update of Kingma &amp; Ba (2015, Algorithm 1 in its efficient form), on plain float arrays so
 * that one kernel serves both the row-sparse embedding tables and the dense block parameters, and
 * so that its moments can be checkpointed exactly (DJL's optimisers keep theirs private).
 *
 * <p>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε) — the same
 * arithmetic as DJL's {@code Adam}.
 */
public record AdamRule(float learningRate, float beta1, float beta2, float epsilon) {

    public AdamRule {
        if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException(
                    "Adam needs learningRate > 0, 0 <= beta1, beta2 < 1 and epsilon > 0; got lr=" + learningRate
                            + " beta1=" + beta1 + " beta2=" + beta2 + " epsilon=" + epsilon);
        }
    }

    /** Adam with the usual β₁=0.9, β₂=0.999, ε=1e-8. */
    public static AdamRule withLearningRate(float learningRate) {
        return new AdamRule(learningRate, 0.9f, 0.999f, 1e-8f);
    }

    /**
     * One step on {@code w[wOff, wOff+len)} with moments at {@code m/v[stateOff, …)} and the gradient at
     * {@code g[gOff, …)}, where {@code step} (1-based) counts the updates this segment has received.
     */
    public void apply(
            float[] w, int wOff, float[] m, float[] v, int stateOff, float[] g, int gOff, int len, long step) {
        double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        float rate = (float) (learningRate * correction);
        float oneMinusBeta1 = 1 - beta1;
        float oneMinusBeta2 = 1 - beta2;
        for (int i = 0; i < len; i++) {
            float grad = g[gOff + i];
            int s = stateOff + i;
            m[s] = beta1 * m[s] + oneMinusBeta1 * grad;
            v[s] = beta2 * v[s] + oneMinusBeta2 * grad * grad;
            w[wOff + i] -= rate * m[s] / ((float) Math.sqrt(v[s]) + epsilon);
        }
    }
}
