package io.streamrec.model.train;

/**
 * A user's vectors as published: each interest and the fused/aggregated vector, L2-normalised
 * (the space in which the trainer scores and the serving index searches).
 *
 * @param interests K vectors of width D (K = 1 for SDM and mean pooling)
 * @param vector    the user vector of width D
 */
public record EncodedUser(float[][] interests, float[] vector) {}
