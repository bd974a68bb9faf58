package io.streamrec.model.estimator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ItemHashFamilyTest {
    private static final int IDS = 20_000;
    private static final int SLOTS = 1_000;

    @Test
    void sequentialIdsSpreadLikeRandomBallsInBins() {
        ItemHashFamily family = new ItemHashFamily(1, SLOTS, 1);
        int[] load = new int[SLOTS];
        for (int n = 0; n < IDS; n++) {
            load[family.slot(0, "item-" + n)]++;
        }
        // Colliding pairs: C(20000, 2)/1000 ≈ 199,990 expected for a random function, sd ≈ 450.
        assertThat(collidingPairs(load)).isBetween(197_000L, 203_000L);
    }

    @Test
    void functionsCollideIndependently() {
        ItemHashFamily family = new ItemHashFamily(2, SLOTS, 1);
        Map<Long, Integer> load = new HashMap<>();
        for (int n = 0; n < IDS; n++) {
            String id = "item-" + n;
            load.merge((long) family.slot(0, id) * SLOTS + family.slot(1, id), 1, Integer::sum);
        }
        // Pairs colliding in both functions: C(20000, 2)/1000² ≈ 200 if independent; ~200,000 if the two were alike.
        long both =
                load.values().stream().mapToLong(c -> (long) c * (c - 1) / 2).sum();
        assertThat(both).isBetween(140L, 260L);
    }

    @Test
    void theSameSeedHashesTheSameWayAndAnotherSeedDoesNot() {
        ItemHashFamily a = new ItemHashFamily(2, 1 << 20, 42);
        ItemHashFamily b = new ItemHashFamily(2, 1 << 20, 42);
        ItemHashFamily c = new ItemHashFamily(2, 1 << 20, 43);
        assertThat(a.slot(1, "movie-318")).isEqualTo(b.slot(1, "movie-318"));
        assertThat(a.slot(1, "movie-318")).isNotEqualTo(c.slot(1, "movie-318"));
        assertThat(a.slot(0, "movie-318")).isNotEqualTo(a.slot(1, "movie-318"));
    }

    private static long collidingPairs(int[] load) {
        long pairs = 0;
        for (int c : load) {
            pairs += (long) c * (c - 1) / 2;
        }
        return pairs;
    }
}
