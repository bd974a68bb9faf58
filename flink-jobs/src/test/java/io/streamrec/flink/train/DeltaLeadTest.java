package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeltaLeadTest {

    @Test
    void noLeadBeforeAnyRound() {
        assertThat(new DeltaLead().leadMillis(10_000)).isZero();
    }

    @Test
    void leadIsTheLongestRecentRound() {
        DeltaLead lead = new DeltaLead();
        lead.roundTook(300);
        lead.roundTook(800);
        lead.roundTook(200);

        assertThat(lead.leadMillis(10_000)).isBetween((long) (800 * DeltaLead.DECAY), 800L);
    }

    @Test
    void aSlowRoundIsForgottenOverLaterFastOnes() {
        DeltaLead lead = new DeltaLead();
        lead.roundTook(2_000);
        for (int i = 0; i < 200; i++) {
            lead.roundTook(100);
        }

        assertThat(lead.leadMillis(10_000)).isEqualTo(100);
    }

    @Test
    void leadAddsTheLastPublicationsBuildTime() {
        DeltaLead lead = new DeltaLead();
        lead.roundTook(300);
        lead.publicationTook(150);
        assertThat(lead.leadMillis(10_000)).isEqualTo(450);
        lead.publicationTook(20);
        assertThat(lead.leadMillis(10_000))
                .as("the latest build counts, not the longest")
                .isEqualTo(320);
    }

    @Test
    void leadNeverExceedsHalfTheInterval() {
        DeltaLead lead = new DeltaLead();
        lead.roundTook(9_000);

        assertThat(lead.leadMillis(10_000)).isEqualTo(5_000);
    }

    /**
     * Requests every interval − lead, each answered within one round plus the build: no two deltas more than the
     * interval apart.
     */
    @Test
    void deltasStayWithinTheIntervalWhenRoundsAreSteady() {
        DeltaLead lead = new DeltaLead();
        long interval = 10_000;
        long round = 700;
        long build = 250;
        long requestAt = 0;
        long lastPublished = -1;
        long longestGap = 0;
        for (int i = 0; i < 50; i++) {
            lead.roundTook(round);
            requestAt += interval - lead.leadMillis(interval);
            long published = requestAt + round + build; // the worst case: the request just missed a round's start
            lead.publicationTook(build);
            if (lastPublished >= 0) {
                longestGap = Math.max(longestGap, published - lastPublished);
            }
            lastPublished = requestAt; // the best case for the previous one widens the gap most
        }
        assertThat(longestGap).isLessThanOrEqualTo(interval);
    }
}
