package io.streamrec.bench.serving;

import java.util.Random;

/**
 * Item and query vectors for the serving benchmark, unit length, width {@code dim}: {@code random} (isotropic
 * Gaussian, the hard case for a graph index) or {@code clustered} (items and queries around shared centroids, as
 * learned embeddings are).
 */
final class IndexWorkload {

    private final String kind;
    private final int dim;
    private final float[][] centroids;
    private final double spread;

    IndexWorkload(String kind, int dim, long seed) {
        this.kind = kind;
        this.dim = dim;
        Random random = new Random(seed);
        if (kind.equals("clustered")) {
            centroids = new float[1_000][];
            for (int c = 0; c < centroids.length; c++) {
                centroids[c] = gaussian(random, dim, 1.0);
            }
            spread = 0.35;
        } else if (kind.equals("random")) {
            centroids = null;
            spread = 1;
        } else {
            throw new IllegalArgumentException("distribution must be random or clustered, got " + kind);
        }
    }

    String kind() {
        return kind;
    }

    /** One vector (an item or a query). */
    float[] next(Random random) {
        float[] v;
        if (centroids == null) {
            v = gaussian(random, dim, 1.0);
        } else {
            float[] c = centroids[random.nextInt(centroids.length)];
            v = gaussian(random, dim, spread);
            for (int i = 0; i < dim; i++) {
                v[i] += c[i];
            }
        }
        return normalise(v);
    }

    private static float[] gaussian(Random random, int dim, double sd) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (random.nextGaussian() * sd);
        }
        return v;
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
