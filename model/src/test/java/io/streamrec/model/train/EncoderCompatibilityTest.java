package io.streamrec.model.train;

import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.sync.CompleteUpdate;
import io.streamrec.model.sync.EncoderReplica;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every encoder trains through the trainer and reaches a replica intact, with a user profile feeding e_u. */
class EncoderCompatibilityTest {

    static Stream<Arguments> encoders() {
        return Stream.of(
                Arguments.of(MeanPoolEncoder.NAME, MeanPoolEncoder.factory(16), 1),
                Arguments.of("sdm", Encoders.factory("sdm", Map.of()), 1),
                Arguments.of(
                        "sine", Encoders.factory("sine", Map.of("sine.concepts", "12", "sine.interests", "3")), 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void trainsAndItsFullUpdateGivesAReplicaTheSameVectors(
            String name, Function<EncoderDimensions, UserEncoder> factory, int interests) {
        List<TrainingExample> stream = clustered(4 * 16, 100, 5, 21);
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig()
                        .set(TrainerOptions.PROFILE_FEATURES, List.of("gender"))
                        .build(),
                factory)) {
            for (int s = 0; s < 4; s++) {
                assertThat(trainer.step(stream.subList(s * 16, (s + 1) * 16)))
                        .isFinite()
                        .isPositive();
            }
            // the replica is built from the FULL update alone: its spec carries the encoder and every setting
            EncoderReplica replica = EncoderReplica.fromFull(new CompleteUpdate(new ModelUpdates(trainer).full()));

            List<FeatureSnapshot> probe = stream.subList(0, 8).stream()
                    .map(TrainingExample::getContext)
                    .toList();
            List<EncodedUser> expected = trainer.encode(probe);
            List<EncodedUser> actual = replica.encode(probe);
            assertThat(trainer.model().encoder().name()).isEqualTo(name);
            for (int i = 0; i < probe.size(); i++) {
                assertThat(actual.get(i).interests()).hasDimensions(interests, 20);
                assertThat(actual.get(i).vector())
                        .containsExactly(expected.get(i).vector());
            }
            replica.close();
        }
    }
}
