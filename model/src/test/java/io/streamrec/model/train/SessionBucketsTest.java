package io.streamrec.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SessionBucketsTest {

    @Test
    void manyShortSessionsAreNotPaddedToAFewLongOnes() {
        int[] lengths =
                IntStream.range(0, 210).map(i -> i % 21 == 0 ? 50 : 1 + i % 3).toArray();
        List<int[]> buckets = SessionBuckets.DEFAULT.partition(lengths);
        assertThat(buckets).hasSize(2);
        assertThat(Arrays.stream(buckets.get(0)).map(i -> lengths[i]).max().getAsInt())
                .isEqualTo(3);
        assertThat(Arrays.stream(buckets.get(1)).map(i -> lengths[i])).containsOnly(50);
    }

    @Test
    void aSmallBatchStaysOnePassWhenAnotherPassCostsMoreThanThePadding() {
        int[] lengths = {1, 2, 3, 50};
        assertThat(SessionBuckets.DEFAULT.partition(lengths)).hasSize(1);
    }

    @Test
    void everyUserIsInExactlyOneBucketInAscendingLength() {
        int[] lengths = IntStream.range(0, 300).map(i -> 1 + (i * 37) % 50).toArray();
        for (SessionBuckets buckets : List.of(SessionBuckets.DEFAULT, SessionBuckets.NONE, new SessionBuckets(0, 0))) {
            List<int[]> partition = buckets.partition(lengths);
            int[] all = partition.stream().flatMapToInt(Arrays::stream).toArray();
            assertThat(all).hasSize(lengths.length);
            assertThat(Arrays.stream(all).sorted().toArray())
                    .containsExactly(IntStream.range(0, lengths.length).toArray());
            int previous = 0;
            for (int i : all) {
                assertThat(lengths[i]).isGreaterThanOrEqualTo(previous);
                previous = lengths[i];
            }
        }
        assertThat(SessionBuckets.NONE.partition(lengths)).hasSize(1);
        assertThat(new SessionBuckets(0, 0).partition(lengths)).hasSize(50);
    }
}
