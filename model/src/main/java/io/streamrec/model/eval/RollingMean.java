package io.streamrec.model.eval;

import io.streamrec.model.FrozenState;
import io.streamrec.model.PrimitiveBlocks;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The mean of the last {@code window} values, kept in a ring with a running sum. Not thread-safe. */
public final class RollingMean {

    private final double[] values;
    private int next;
    private int count;
    private double sum;

    public RollingMean(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("a rolling window needs at least one value, got " + window);
        }
        this.values = new double[window];
    }

    public void add(double value) {
        if (count == values.length) {
            sum -= values[next];
        } else {
            count++;
        }
        values[next] = value;
        sum += value;
        next = (next + 1) % values.length;
    }

    /** The mean of the values in the window, NaN before the first. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public int count() {
        return count;
    }

    /** Writes the window's values, oldest first. */
    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of the window, oldest first, as {@link #writeTo} writes it. */
    public FrozenState freeze() {
        double[] window = new double[count];
        int oldest = count == values.length ? next : 0;
        for (int i = 0; i < count; i++) {
            window[i] = values[(oldest + i) % values.length];
        }
        return out -> {
            out.writeInt(window.length);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            for (double v : window) {
                blocks.putDouble(v);
            }
            blocks.flush();
        };
    }

    /** Adds the values written by {@link #writeTo} (the newest ones survive a smaller window). */
    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            add(in.readDouble());
        }
    }
}
