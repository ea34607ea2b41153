package io.sslstream.trainer.sync;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HalfTest {

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Half.toFloat(h);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(f)))).as("NaN %04x", bits).isTrue();
            } else {
                assertThat(Half.fromFloat(f) & 0xffff).as("half %04x = %s", bits, f).isEqualTo(bits);
            }
        }
    }

    @Test
    void knownValues() {
        assertThat(Half.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(-2f)).isEqualTo((short) 0xc000);
        assertThat(Half.fromFloat(65504f)).isEqualTo((short) 0x7bff); // the largest half
        assertThat(Half.fromFloat(0x1p-14f)).isEqualTo((short) 0x0400); // the smallest normal
        assertThat(Half.fromFloat(0x1p-24f)).isEqualTo((short) 0x0001); // the smallest subnormal
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2e66); // 0.0999755859375
        assertThat(Half.toFloat((short) 0x2e66)).isEqualTo(0.0999755859375f);
        assertThat(Half.fromFloat(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
        assertThat(Half.fromFloat(-0f)).isEqualTo((short) 0x8000);
    }

    @Test
    void roundsToNearestTiesToEven() {
        assertThat(Half.fromFloat(1f + 0x1p-11f)).as("tie, down to the even 1.0").isEqualTo((short) 0x3c00);
        assertThat(Half.fromFloat(1f + 3 * 0x1p-11f)).as("tie, up to the even 1 + 2^-9").isEqualTo((short) 0x3c02);
        assertThat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f)).as("above the tie: up").isEqualTo((short) 0x3c01);
        assertThat(Half.fromFloat(65519f)).as("below the overflow midpoint").isEqualTo((short) 0x7bff);
        assertThat(Half.fromFloat(65520f)).as("the midpoint rounds to even: infinity").isEqualTo((short) 0x7c00);
        assertThat(Half.fromFloat(0x1p-25f)).as("half the smallest subnormal ties to 0").isEqualTo((short) 0);
        assertThat(Half.fromFloat(0x1.8p-25f)).as("above it: the smallest subnormal").isEqualTo((short) 1);
        assertThat(Half.fromFloat(0x1.8p-24f)).as("1.5 subnormals tie to 2").isEqualTo((short) 2);
        assertThat(Half.fromFloat(0x1p-26f)).isEqualTo((short) 0);
        assertThat(Half.fromFloat(0x1.ffcp-15f)).as("rounds up into the smallest normal").isEqualTo((short) 0x0400);
    }

    @Test
    void errorIsAtMostHalfAnUlp() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-20, 12)));
            float back = Half.toFloat(Half.fromFloat(f));
            float ulp = Math.abs(f) < 0x1p-14f ? 0x1p-24f : Math.ulp(back) * (1 << 13);
            assertThat((double) Math.abs(back - f)).as("%s -> %s", f, back).isLessThanOrEqualTo(ulp / 2);
        }
    }
}
