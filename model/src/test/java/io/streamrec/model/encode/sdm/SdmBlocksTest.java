package io.streamrec.model.encode.sdm;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.encode.EncoderFixtures;
import io.streamrec.model.encode.NDManagerTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SdmBlocksTest extends NDManagerTest {

    @Test
    void sessionLstmReturnsEveryStateAndZeroesPadding() {
        int[] lengths = {3, 1};
        NDArray mask = EncoderFixtures.mask(manager, 4, lengths);
        NDList a = new NDList(EncoderFixtures.sequence(manager, 2, 4, 5, lengths, new Random(1), new Random(2)), mask);
        NDList b = new NDList(EncoderFixtures.sequence(manager, 2, 4, 5, lengths, new Random(1), new Random(3)), mask);
        SessionLstm lstm = new SessionLstm(6, 2);
        initialize(lstm, manager, a, 1);

        NDArray statesA = forward(lstm, manager, a).head();
        NDArray statesB = forward(lstm, manager, b).head();

        assertThat(statesA.getShape()).isEqualTo(new Shape(2, 4, 6));
        assertThat(lstm.getOutputShapes(a.getShapes())).containsExactly(new Shape(2, 4, 6));
        assertThat(maxAbsDifference(statesA, statesB))
                .as("padding after the real items")
                .isZero();
        assertThat(statesA.get("0, 3").abs().sum().getFloat()).isZero();
        assertThat(statesA.get("0, 0").abs().sum().getFloat()).isPositive();
        assertThat(maxAbsDifference(statesA.get("0, 0"), statesA.get("0, 1")))
                .as("states evolve")
                .isPositive();
    }

    @Test
    void userEmbeddingProjectsTheProfileOrLearnsOneVector() {
        NDList profile = new NDList(manager.randomNormal(new Shape(3, 4)));
        UserEmbedding projected = new UserEmbedding(4, 8);
        initialize(projected, manager, profile, 1);
        NDArray users = forward(projected, manager, profile).head();
        assertThat(users.getShape()).isEqualTo(new Shape(3, 8));
        assertThat(maxAbsDifference(users.get("0"), users.get("1"))).isPositive();

        NDList noProfile = new NDList(manager.zeros(new Shape(3, 0)));
        UserEmbedding learned = new UserEmbedding(0, 8);
        initialize(learned, manager, noProfile, 1);
        NDArray same = forward(learned, manager, noProfile).head();
        assertThat(same.getShape()).isEqualTo(new Shape(3, 8));
        assertThat(maxAbsDifference(same.get("0"), same.get("2"))).isZero();
        assertThat(same.abs().sum().getFloat()).isPositive();
    }

    @Test
    void attentionsPoolOnePerUserAtTheKeysWidth() {
        int[] lengths = {2, 0};
        NDArray keys = EncoderFixtures.sequence(manager, 2, 3, 4, lengths, new Random(1), new Random(2));
        NDArray mask = EncoderFixtures.mask(manager, 3, lengths);
        NDArray user = manager.randomNormal(new Shape(2, 8));
        LongTermAttention longTerm = new LongTermAttention(4, 8);
        NDList input = new NDList(keys, mask, user);
        initialize(longTerm, manager, input, 1);

        NDArray z = forward(longTerm, manager, input).head();

        assertThat(z.getShape()).isEqualTo(new Shape(2, 4));
        assertThat(z.get("1").abs().sum().getFloat()).as("no history").isZero();
        UserAttention userAttention = new UserAttention(8);
        assertThat(userAttention.getOutputShapes(new Shape[] {new Shape(2, 3, 8), new Shape(2, 3), new Shape(2, 8)}))
                .containsExactly(new Shape(2, 8), new Shape(2, 3));
    }

    @Test
    void longTermFusionIsBoundedByTanh() {
        NDList input = new NDList(manager.randomNormal(0, 10, new Shape(5, 20), ai.djl.ndarray.types.DataType.FLOAT32));
        LongTermFusion fusion = new LongTermFusion(8);
        initialize(fusion, manager, input, 1);

        NDArray p = forward(fusion, manager, input).head();

        assertThat(p.getShape()).isEqualTo(new Shape(5, 8));
        assertThat(p.abs().max().getFloat()).isLessThanOrEqualTo(1f);
    }

    @Test
    void gateLiesStrictlyBetweenZeroAndOneAndMixesShortAndLongTerm() {
        NDArray user = manager.randomNormal(new Shape(16, 8));
        NDArray shortTerm = manager.randomNormal(new Shape(16, 8));
        NDArray longTerm = manager.randomNormal(new Shape(16, 8));
        NDList input = new NDList(user, shortTerm, longTerm);
        GatedFusion fusion = new GatedFusion(8);
        initialize(fusion, manager, input, 1);

        NDList out = forward(fusion, manager, input);
        NDArray fused = out.get(0);
        NDArray gate = out.get(1);

        assertThat(gate.getShape()).isEqualTo(new Shape(16, 8));
        assertThat(gate.min().getFloat()).isGreaterThan(0f);
        assertThat(gate.max().getFloat()).isLessThan(1f);
        NDArray expected = gate.neg().add(1).mul(longTerm).add(gate.mul(shortTerm));
        assertThat(maxAbsDifference(fused, expected)).isLessThan(1e-6f);
        NDArray low = NDArrays.minimum(shortTerm, longTerm);
        NDArray high = NDArrays.maximum(shortTerm, longTerm);
        assertThat(fused.sub(low).min().getFloat()).isGreaterThanOrEqualTo(-1e-6f);
        assertThat(high.sub(fused).min().getFloat()).isGreaterThanOrEqualTo(-1e-6f);
    }
}
