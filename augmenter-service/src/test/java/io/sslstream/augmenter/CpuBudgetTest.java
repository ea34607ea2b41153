package io.sslstream.augmenter;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuBudgetTest {

    /** Clocks set by hand; counts the CPU clock's readings. */
    static final class ManualClock implements CpuBudget.Clock {

        long wall;
        long cpu;
        int cpuReadings;

        @Override
        public long wallNanos() {
            return wall;
        }

        @Override
        public long threadCpuNanos() {
            cpuReadings++;
            return cpu;
        }
    }

    @Test
    void countsCpuTimeAndReadsTheCpuClockOnlyOnceTheWallTimeCouldHaveUsedTheBudget() throws Exception {
        ManualClock clock = new ManualClock();
        CpuBudget budget = CpuBudget.start(Duration.ofMillis(100), clock);
        int atStart = clock.cpuReadings;

        clock.wall += 99_000_000;
        clock.cpu += 99_000_000;
        assertThat(budget.exhausted()).isFalse();
        assertThat(clock.cpuReadings).as("one thread cannot use more CPU than wall time").isEqualTo(atStart);

        // a busy machine: a second of wall time, 40 ms of it on a core
        clock.wall += 1_000_000_000;
        clock.cpu = 40_000_000;
        assertThat(budget.exhausted()).isFalse();
        budget.check(RejectedSampleException.STAGE_DECODE, "here");

        clock.cpu = 100_000_000;
        assertThat(budget.exhausted()).isTrue();
        assertThatThrownBy(() -> budget.check(RejectedSampleException.STAGE_AUGMENT, "before the mae recipe"))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CpuBudget.EXCEEDED);
                    assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_AUGMENT);
                    assertThat(e.getMessage()).contains("100 ms of CPU time", "limit of 100 ms", "before the mae recipe");
                });
    }

    @Test
    void theSystemClockMeasuresThisThreadsWork() {
        CpuBudget budget = CpuBudget.start(Duration.ofMillis(20), CpuBudget.SYSTEM);
        long x = 0;
        for (long i = 0; !budget.exhausted(); i++) {
            x += Long.numberOfTrailingZeros(i * 0x9E3779B97F4A7C15L);
        }
        assertThat(x).isPositive();
        assertThat(CpuBudget.unlimited().exhausted()).isFalse();
        assertThatThrownBy(() -> CpuBudget.start(Duration.ZERO, CpuBudget.SYSTEM)).hasMessageContaining("positive");
    }
}
