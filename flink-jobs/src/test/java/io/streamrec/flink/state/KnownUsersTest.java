package io.streamrec.flink.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KnownUsersTest {

    @Test
    void everyAddedUserIsReportedAsMaybePresent() {
        KnownUsers known = new KnownUsers(16);
        IntStream.range(0, 20_000).forEach(i -> known.add("u-" + i));

        assertThat(IntStream.range(0, 20_000)
                        .filter(i -> !known.mightContain("u-" + i))
                        .count())
                .as("a Bloom filter never says no to a user it holds")
                .isZero();
    }

    @Test
    void usersNeverAddedAreMostlyReportedAbsent() {
        KnownUsers known = new KnownUsers(KnownUsers.DEFAULT_BITS_LOG2);
        IntStream.range(0, 100_000).forEach(i -> known.add("u-" + i));

        long falsePositives = IntStream.range(100_000, 200_000)
                .filter(i -> known.mightContain("u-" + i))
                .count();
        // 3 hashes over 2^23 bits with 100k users: the expected rate is about 0.005 %
        assertThat(falsePositives)
                .as("false positives among 100,000 unseen users")
                .isLessThan(100);
    }

    @Test
    void anEmptyFilterKnowsNoOne() {
        KnownUsers known = new KnownUsers(6);

        assertThat(known.mightContain("u-1")).isFalse();
        assertThat(known.mightContain("")).isFalse();
    }

    @Test
    void refusesASizeOutsideItsRange() {
        assertThatThrownBy(() -> new KnownUsers(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KnownUsers(37)).isInstanceOf(IllegalArgumentException.class);
    }
}
