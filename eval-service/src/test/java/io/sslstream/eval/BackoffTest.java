package io.sslstream.eval;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void doublesFromTheInitialWaitUpToTheMaximumAndStaysThere() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seconds.add(b.next().toSeconds());
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L);
    }

    @Test
    void aMaximumEqualToTheInitialWaitIsAFixedWait() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(List.of(b.next(), b.next(), b.next())).containsOnly(Duration.ofMillis(200));
    }

    @Test
    void refusesAWaitOfZeroAndAMaximumBelowTheInitialWait() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1S").hasMessageContaining("PT2S");
    }
}
