package io.streamrec.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void aStatLineGivesTheNameBetweenItsOuterParenthesesAndUserPlusSystemTime() {
        // a Flink subtask's name holds parentheses and spaces; utime 250 and stime 50 ticks are fields 14 and 15
        String stat = "4242 (user state (1/2) S 1 1 1 0 -1 4194368 100 0 0 0 250 50 0 0 20 0 80 0 100 0 0";

        assertThat(ThreadCpu.name(stat)).isEqualTo("user state (1/2");
        assertThat(ThreadCpu.cpuSeconds(stat)).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void subtasksAndPoolWorkersFallIntoOneGroup() {
        assertThat(ThreadCpu.group("user state (1/2")).isEqualTo("user state");
        assertThat(ThreadCpu.group("user state (2/2")).isEqualTo("user state");
        assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(ThreadCpu.group("kafka-producer-")).isEqualTo("kafka-producer");
        assertThat(ThreadCpu.group("rocksdb:low")).isEqualTo("rocksdb:low");
        assertThat(ThreadCpu.group("1234")).isEqualTo("1234");
    }

    @Test
    void aWindowSumsEachGroupsGrowthAndCountsThreadsBornInsideIt() {
        ThreadCpu before = new ThreadCpu(
                10.0,
                Map.of(
                        1, new ThreadCpu.Task("user state (1/2", 2.0),
                        2, new ThreadCpu.Task("user state (2/2", 3.0),
                        3, new ThreadCpu.Task("GC Thread#0", 1.0)),
                0L);
        ThreadCpu after = new ThreadCpu(
                30.0,
                Map.of(
                        1, new ThreadCpu.Task("user state (1/2", 6.0),
                        2, new ThreadCpu.Task("user state (2/2", 7.0),
                        3, new ThreadCpu.Task("GC Thread#0", 1.0),
                        4, new ThreadCpu.Task("GC Thread#1", 2.0)),
                10_000_000_000L);

        ThreadCpu.Window window = after.since(before);

        assertThat(window.wallSeconds()).isCloseTo(10.0, within(1e-9));
        assertThat(window.cores()).isCloseTo(2.0, within(1e-9));
        assertThat(window.groups()).containsExactly(Map.entry("user state", 8.0), Map.entry("GC Thread", 2.0));
        assertThat(window.describe(0.5)).isEqualTo("2.00 cores: user state 0.80");
    }

    @Test
    void aProcessThatIsGoneReadsAsNoThreads() {
        assertThat(ThreadCpu.of(Long.MAX_VALUE).threads()).isEmpty();
    }
}
