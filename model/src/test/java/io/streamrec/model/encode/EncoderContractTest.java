package io.streamrec.model.encode;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import io.streamrec.model.DirectBuffers;
import io.streamrec.model.encode.EncoderFixtures.Lengths;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered encoder promises the trainer and the replicas, whatever its architecture: each test runs
 * over every encoder {@link Encoders} knows, so a newly registered one is held to it at once.
 */
class EncoderContractTest extends NDManagerTest {

    /** Users with a long, a short, a one-item and an empty session; histories of every kind too. */
    private static final Lengths MIXED = new Lengths(new int[] {5, 2, 1, 0}, new int[] {3, 0, 4, 1});

    private static final Map<String, String> SMALL =
            Map.of("sine.concepts", "12", "sine.interests", "3", "sine.max-session-length", "6");

    static Set<String> registeredEncoders() {
        assertThat(Encoders.names()).contains("sdm", "sine", "meanpool");
        return Encoders.names();
    }

    private UserEncoder encoder(String name, EncoderDimensions dims, NDList input) {
        UserEncoder encoder = Encoders.create(name, dims, SMALL);
        initialize(encoder.block(), manager, input, 7);
        return encoder;
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void outputsMatchTheDeclaredShapes(String name) {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        UserEncoder encoder = encoder(name, dims, input);

        NDList out = forward(encoder.block(), manager, input);

        assertThat(out.getShapes()).containsExactly(encoder.block().getOutputShapes(input.getShapes()));
        assertThat(out.get(EncoderOutput.INTERESTS).getShape().getShape())
                .containsExactly(4, encoder.interestCount(), 8);
        assertThat(out.get(EncoderOutput.VECTOR).getShape().getShape()).containsExactly(4, 8);
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void valuesAtPaddedPositionsChangeNothing(String name) {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList repadded = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(200));
        assertThat(maxAbsDifference(input.get(EncoderInput.SESSION), repadded.get(EncoderInput.SESSION)))
                .as("the two batches differ at padding")
                .isGreaterThan(1f);
        UserEncoder encoder = encoder(name, dims, input);

        NDList a = forward(encoder.block(), manager, input);
        NDList b = forward(encoder.block(), manager, repadded);

        assertThat(maxAbsDifference(a.get(EncoderOutput.INTERESTS), b.get(EncoderOutput.INTERESTS)))
                .isLessThan(1e-5f);
        assertThat(maxAbsDifference(a.get(EncoderOutput.VECTOR), b.get(EncoderOutput.VECTOR)))
                .isLessThan(1e-5f);
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void realSessionValuesDoChangeTheVector(String name) {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList other = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        other.set(EncoderInput.SESSION, other.get(EncoderInput.SESSION).mul(-2f));
        UserEncoder encoder = encoder(name, dims, input);

        NDArray a = forward(encoder.block(), manager, input).get(EncoderOutput.VECTOR);
        NDArray b = forward(encoder.block(), manager, other).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(a.get("0:3"), b.get("0:3")))
                .as("users with a session")
                .isGreaterThan(1e-3f);
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void emptySessionsAndHistoriesGiveFiniteOutputs(String name) {
        EncoderDimensions dims = smallDimensions(0);
        NDList input = input(manager, dims, 3, 2, new Lengths(new int[] {0, 0}, new int[] {0, 0}), 5);
        UserEncoder encoder = encoder(name, dims, input);

        for (NDList out : new NDList[] {
            forward(encoder.block(), manager, input),
            encoder.block().forward(new ParameterStore(manager, false), input, true)
        }) {
            for (NDArray output : out) {
                for (float v : output.toFloatArray()) {
                    assertThat(v).isFinite();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void gradientsReachEveryParameterWithAndWithoutAProfile(String name) {
        for (int userDim : new int[] {6, 0}) {
            EncoderDimensions dims = smallDimensions(userDim);
            NDList input = input(manager, dims, 5, 4, MIXED, 9);
            UserEncoder encoder = encoder(name, dims, input);

            assertThat(encoder.block().getParameters().size()).isPositive();
            assertThat(parametersWithoutGradient(encoder.block(), manager, input, 11))
                    .as("D_user=" + userDim)
                    .isEmpty();
        }
    }

    /**
     * A garbage collection between the forward and the backward pass must not change a gradient. It frees the
     * memory of direct buffers nothing references, so any array the backward pass still reads must be kept alive by
     * PyTorch or by the batch's manager, not by a Java object that is gone (see {@code GraphScalar}).
     */
    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void gradientsDoNotDependOnWhenTheJvmCollectsGarbage(String name) {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 9);
        Map<String, float[]> undisturbed = gradients(encoder(name, dims, input).block(), manager, input, 11, () -> {});
        Map<String, float[]> collected =
                gradients(encoder(name, dims, input).block(), manager, input, 11, DirectBuffers::freeUnreachable);

        assertThat(collected.keySet()).isEqualTo(undisturbed.keySet());
        undisturbed.forEach((parameter, expected) ->
                assertThat(collected.get(parameter)).as(parameter).containsExactly(expected, within(1e-6f)));
    }

    @ParameterizedTest
    @MethodSource("registeredEncoders")
    void savedParametersRestoreTheSameEncoderInAFreshInstance(String name) throws Exception {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        UserEncoder original = encoder(name, dims, input);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        original.block().saveParameters(new DataOutputStream(saved));

        UserEncoder restored = Encoders.create(name, dims, SMALL);
        initialize(restored.block(), manager, input, 99);
        NDArray before = forward(restored.block(), manager, input).get(EncoderOutput.VECTOR);
        restored.block().loadParameters(manager, new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));

        NDArray expected = forward(original.block(), manager, input).get(EncoderOutput.VECTOR);
        assertThat(maxAbsDifference(before, expected))
                .as("a different seed gives a different encoder")
                .isGreaterThan(1e-3f);
        assertThat(maxAbsDifference(forward(restored.block(), manager, input).get(EncoderOutput.VECTOR), expected))
                .isLessThan(1e-6f);
        assertThat(restored.block().getParameters().keys())
                .isEqualTo(original.block().getParameters().keys());
    }
}
