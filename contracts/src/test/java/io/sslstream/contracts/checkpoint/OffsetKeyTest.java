package io.sslstream.contracts.checkpoint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetKeyTest {

    @Test
    void roundTripsThroughItsText() {
        OffsetKey k = new OffsetKey("ssl.views.simclr", 3);
        assertThat(k.toString()).isEqualTo("ssl.views.simclr/3");
        assertThat(OffsetKey.parse("ssl.views.simclr/3")).isEqualTo(k);
    }

    @Test
    void refusesWhatIsNotTopicSlashPartition() {
        for (String bad : new String[] {"ssl.views.simclr", "/3", "ssl.views.simclr/", "ssl.views.simclr/x", "a/-1", "a/b/1"}) {
            assertThatThrownBy(() -> OffsetKey.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> OffsetKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
