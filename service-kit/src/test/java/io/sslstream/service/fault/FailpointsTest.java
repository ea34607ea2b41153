package io.sslstream.service.fault;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailpointsTest {

    @Test
    void parsesNamesAndPauses() {
        assertThat(Failpoints.parse("trainer.after-version-created=pause:3000, registry.after-commit=pause:50"))
                .containsEntry("trainer.after-version-created", 3000L)
                .containsEntry("registry.after-commit", 50L)
                .hasSize(2);
        assertThat(Failpoints.parse("")).isEmpty();
        assertThat(Failpoints.parse(null)).isEmpty();
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThatThrownBy(() -> Failpoints.parse("x=crash")).hasMessageContaining("NAME=pause:MILLIS").hasMessageContaining("x=crash");
        assertThatThrownBy(() -> Failpoints.parse("x=pause:soon")).hasMessageContaining("x=pause:soon");
    }

    @Test
    void anUnconfiguredPointReturnsAtOnce() {
        long t0 = System.nanoTime();
        Failpoints.hit("nothing.configured.here");
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }
}
