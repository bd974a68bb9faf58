package io.streamrec.model.estimator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamingFrequencyEstimatorTest {
    private static final int BATCH = 256;
    /** Zipf(s = 1) over 10k items: the head item has 26 expected occurrences per batch of 256, rank 100 has 0.26. */
    private static final int ITEMS = 10_000;

    @Test
    void estimatesEachTopHundredItemWithinTenPercentOnAStationaryZipfStream() {
        // α = 0.001: relative noise ≈ √(α/2) ≈ 2.2 % per item, so the worst of 100 items stays well inside 10 %.
        // H = 2^16 slots for 10k items with m = 2: a top-100 item loses both slots to a more popular item
        // with probability ≈ (100/65536)^2. 10k steps give rank 100 about 2,600 occurrences (~2.6/α).
        ZipfItems stream = new ZipfItems(ITEMS, 1.0);
        StreamingFrequencyEstimator estimator =
                new StreamingFrequencyEstimator(new FrequencyEstimatorConfig(1 << 16, 2, 0.001, 7));
        SplittableRandom random = new SplittableRandom(42);

        for (int step = 0; step < 10_000; step++) {
            estimator.update(stream.batch(random, BATCH));
        }

        for (int rank = 0; rank < 100; rank++) {
            double truth = stream.expectedCount(rank, BATCH);
            assertThat(estimator.probability(stream.idAtRank(rank)))
                    .as("p̂ of the item at rank %d (expected %.3f occurrences per batch)", rank, truth)
                    .isCloseTo(truth, within(0.10 * truth));
        }
    }

    @Test
    void followsASwapOfPopularityRanksWithinTheStatedNumberOfSteps() {
        // Default α = 0.01. The interval error shrinks by (1−α) per occurrence, so from an interval ratio ρ
        // (old/new) it is within 10 % after ln(10·|ρ−1|)/α occurrences:
        //   rising item (rank 9 → 0, ρ = 10): ln(90)/0.01 = 450 occurrences at 26 per batch ≈ 18 steps;
        //   falling item (rank 0 → 9, ρ = 0.1): ln(9)/0.01 = 220 occurrences at 2.6 per batch ≈ 85 steps.
        // Stated bounds: twice those. Over six seeds the first step within 10 % was 15–21 and 63–99.
        int risingBound = 36;
        int fallingBound = 170;
        ZipfItems stream = new ZipfItems(ITEMS, 1.0);
        StreamingFrequencyEstimator estimator = new StreamingFrequencyEstimator(
                FrequencyEstimatorConfig.defaults().withHashSlots(1 << 16));
        SplittableRandom random = new SplittableRandom(77);
        for (int step = 0; step < 3_000; step++) {
            estimator.update(stream.batch(random, BATCH));
        }
        String rising = stream.idAtRank(9);
        String falling = stream.idAtRank(0);
        stream.swapRanks(0, 9);
        double risingTruth = stream.expectedCount(0, BATCH);
        double fallingTruth = stream.expectedCount(9, BATCH);

        estimator.update(stream.batch(random, BATCH));
        assertThat(relativeError(estimator.probability(rising), risingTruth))
                .as("one step after the swap the rising item is still far off")
                .isGreaterThan(0.5);
        assertThat(relativeError(estimator.probability(falling), fallingTruth))
                .as("one step after the swap the falling item is still far off")
                .isGreaterThan(0.5);

        int risingCaughtUp = 0;
        int fallingCaughtUp = 0;
        double risingError = 0;
        double fallingError = 0;
        for (int step = 2; step < fallingBound + 200; step++) {
            estimator.update(stream.batch(random, BATCH));
            double rise = relativeError(estimator.probability(rising), risingTruth);
            double fall = relativeError(estimator.probability(falling), fallingTruth);
            risingCaughtUp = risingCaughtUp == 0 && rise < 0.1 ? step : risingCaughtUp;
            fallingCaughtUp = fallingCaughtUp == 0 && fall < 0.1 ? step : fallingCaughtUp;
            if (step >= fallingBound) {
                risingError += rise / 200;
                fallingError += fall / 200;
            }
        }
        assertThat(risingCaughtUp)
                .as("first step within 10 %% of the rising item")
                .isBetween(1, risingBound);
        assertThat(fallingCaughtUp)
                .as("first step within 10 %% of the falling item")
                .isBetween(1, fallingBound);
        assertThat(risingError)
                .as("mean relative error of the rising item afterwards")
                .isLessThan(0.1);
        assertThat(fallingError)
                .as("mean relative error of the falling item afterwards")
                .isLessThan(0.1);
    }

    @Test
    void moreHashFunctionsLowerTheCollisionErrorAtSmallH() {
        // 10k items in 2,048 slots: with m = 1 most items share their slot with a more popular one.
        FrequencyEstimatorConfig small = new FrequencyEstimatorConfig(2048, 1, 0.002, 11);
        StreamingFrequencyEstimator oneHash = new StreamingFrequencyEstimator(small);
        StreamingFrequencyEstimator fourHashes = new StreamingFrequencyEstimator(small.withHashFunctions(4));
        ZipfItems stream = new ZipfItems(ITEMS, 1.0);
        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 5_000; step++) {
            List<String> batch = stream.batch(random, BATCH);
            oneHash.update(batch);
            fourHashes.update(batch);
        }

        double errorOne = meanRelativeErrorOfTop(1000, oneHash, stream);
        double errorFour = meanRelativeErrorOfTop(1000, fourHashes, stream);

        assertThat(errorFour)
                .as("mean relative error of the top 1000, m=4 vs m=1 (%.3f)", errorOne)
                .isLessThan(0.5 * errorOne);
    }

    @Test
    void restoredEstimatorGivesIdenticalEstimatesAndIdenticalLaterUpdates() throws IOException {
        ZipfItems stream = new ZipfItems(2_000, 1.1);
        StreamingFrequencyEstimator original =
                new StreamingFrequencyEstimator(new FrequencyEstimatorConfig(4096, 3, 0.05, 99));
        SplittableRandom random = new SplittableRandom(8);
        for (int step = 0; step < 300; step++) {
            original.update(stream.batch(random, 64));
        }

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        original.writeTo(new DataOutputStream(written));
        StreamingFrequencyEstimator restored = StreamingFrequencyEstimator.fromBytes(written.toByteArray());

        assertThat(restored.config()).isEqualTo(original.config());
        assertThat(restored.step()).isEqualTo(original.step());
        assertSameEstimates(original, restored, stream);

        for (int step = 0; step < 50; step++) {
            List<String> batch = stream.batch(random, 64);
            original.update(batch);
            restored.update(batch);
        }
        assertSameEstimates(original, restored, stream);
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
    }

    @Test
    void restoringSomethingElseSaysWhatItFound() {
        assertThatThrownBy(() -> StreamingFrequencyEstimator.fromBytes(new byte[] {1, 2, 3, 4, 0, 0, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a serialised StreamingFrequencyEstimator");
    }

    @Test
    void repeatsWithinABatchCountAsOccurrencesSoHeadItemsGoPastOnePerBatch() {
        StreamingFrequencyEstimator estimator =
                new StreamingFrequencyEstimator(new FrequencyEstimatorConfig(1024, 2, 0.01, 1));
        for (int step = 0; step < 2_000; step++) {
            estimator.update(
                    step % 2 == 0 ? List.of("hot", "hot", "warm", "hot", "hot") : List.of("hot", "hot", "hot", "hot"));
        }
        assertThat(estimator.probability("hot")).as("4 per batch").isCloseTo(4.0, within(1e-4));
        assertThat(estimator.probability("warm")).as("1 every other batch").isCloseTo(0.5, within(1e-4));
    }

    @Test
    void theOrderOfItemsWithinABatchDoesNotMatter() {
        ZipfItems stream = new ZipfItems(1_000, 1.0);
        FrequencyEstimatorConfig config = new FrequencyEstimatorConfig(1 << 12, 2, 0.05, 3);
        StreamingFrequencyEstimator inOrder = new StreamingFrequencyEstimator(config);
        StreamingFrequencyEstimator shuffled = new StreamingFrequencyEstimator(config);
        SplittableRandom random = new SplittableRandom(4);
        for (int step = 0; step < 200; step++) {
            List<String> batch = stream.batch(random, 128);
            inOrder.update(batch);
            List<String> reordered = new java.util.ArrayList<>(batch);
            java.util.Collections.shuffle(reordered, new java.util.Random(step));
            shuffled.update(reordered);
        }
        assertThat(shuffled.toBytes()).isEqualTo(inOrder.toBytes());
    }

    @Test
    void anItemWithoutAnIntervalSampleReadsAsOnceInAllStepsSoFar() {
        StreamingFrequencyEstimator estimator =
                new StreamingFrequencyEstimator(new FrequencyEstimatorConfig(1 << 12, 2, 0.01, 1));
        assertThat(estimator.probability("never-seen")).as("before any step").isEqualTo(1.0);
        for (int step = 0; step < 40; step++) {
            estimator.update(List.of("steady"));
        }
        estimator.update(List.of("newcomer", "newcomer"));

        assertThat(estimator.probability("never-seen")).isCloseTo(1.0 / 41, within(1e-12));
        assertThat(estimator.probability("newcomer"))
                .as("first step only: no gap known yet")
                .isCloseTo(1.0 / 41, within(1e-12));
        assertThat(estimator.probability("steady"))
                .as("every step until the last")
                .isCloseTo(1.0, within(1e-6));

        estimator.update(List.of("newcomer"));
        assertThat(estimator.probability("newcomer"))
                .as("gap 1 over one occurrence")
                .isCloseTo(1.0, within(1e-6));
    }

    @Test
    void logProbabilitiesMatchProbabilitiesInOrder() {
        StreamingFrequencyEstimator estimator = new StreamingFrequencyEstimator(FrequencyEstimatorConfig.defaults());
        for (int step = 1; step <= 30; step++) {
            estimator.update(step % 3 == 0 ? List.of("a", "b") : List.of("a"));
        }
        float[] logs = estimator.logProbabilities(List.of("b", "a"));
        assertThat(logs[0]).isCloseTo((float) Math.log(1.0 / 3), within(1e-4f));
        assertThat(logs[1]).isCloseTo(0f, within(1e-4f));
    }

    private static void assertSameEstimates(
            StreamingFrequencyEstimator a, StreamingFrequencyEstimator b, ZipfItems stream) {
        for (int rank = 0; rank < 2_000; rank++) {
            String id = stream.idAtRank(rank);
            assertThat(b.probability(id)).as(id).isEqualTo(a.probability(id));
        }
    }

    private static double meanRelativeErrorOfTop(int ranks, StreamingFrequencyEstimator estimator, ZipfItems stream) {
        double sum = 0;
        for (int rank = 0; rank < ranks; rank++) {
            sum += relativeError(estimator.probability(stream.idAtRank(rank)), stream.expectedCount(rank, BATCH));
        }
        return sum / ranks;
    }

    private static double relativeError(double estimate, double truth) {
        return Math.abs(estimate / truth - 1);
    }

    private static org.assertj.core.data.Percentage withinPercent(double percent) {
        return org.assertj.core.data.Percentage.withPercentage(percent);
    }
}
