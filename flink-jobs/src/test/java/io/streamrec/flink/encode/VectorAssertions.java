package io.streamrec.flink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.UserVector;
import java.util.List;

/** Compares published vectors with a model's own encoding. */
final class VectorAssertions {

    /** Batches pad sessions to different lengths, so results agree to float rounding rather than bit for bit. */
    private static final float TOLERANCE = 1e-5f;

    private VectorAssertions() {}

    /** Each vector, and each of its interests, equals the expected one at the same position. */
    static void assertSameVectors(List<UserVector> actual, List<EncodedUser> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertSameVector(actual.get(i), expected.get(i));
        }
    }

    static void assertSameVector(UserVector actual, EncodedUser expected) {
        assertThat(floats(actual.getVector())).containsExactly(expected.vector(), within(TOLERANCE));
        List<List<Float>> interests = actual.getInterests();
        assertThat(interests).hasSize(expected.interests().length);
        for (int k = 0; k < interests.size(); k++) {
            assertThat(floats(interests.get(k))).containsExactly(expected.interests()[k], within(TOLERANCE));
        }
    }

    private static float[] floats(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
