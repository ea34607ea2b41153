package io.sslstream.contracts.codec;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ViewSetTest {

    private static final SplittableRandom SEEDS = new SplittableRandom(7);

    static ViewSet random(SplittableRandom rnd) {
        List<View> views = new ArrayList<>();
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            int h = 1 + rnd.nextInt(33);
            int w = 1 + rnd.nextInt(33);
            int c = rnd.nextBoolean() ? 1 : 3;
            byte[] px = new byte[h * w * c];
            for (int j = 0; j < px.length; j++) {
                px[j] = (byte) rnd.nextInt(256);
            }
            views.add(new View(h, w, c, px));
        }
        PatchMask mask = null;
        if (rnd.nextBoolean()) {
            boolean[][] m = new boolean[1 + rnd.nextInt(9)][1 + rnd.nextInt(9)];
            for (boolean[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextBoolean();
                }
            }
            mask = PatchMask.of(1 + rnd.nextInt(16), m);
        }
        return new ViewSet("s" + rnd.nextInt(), "recipe" + rnd.nextInt(5), rnd.nextInt(0x10000), rnd.nextLong(), views, mask);
    }

    @RepeatedTest(300)
    void randomViewSetsRoundTrip() {
        ViewSet v = random(SEEDS.split());
        assertThat(ViewSet.decode(v.encode())).isEqualTo(v);
    }

    @Test
    void twoFashionMnistViewsCostAtMostThreePercentOverThePixels() {
        View a = new View(28, 28, 1, new byte[784]);
        ViewSet vs = new ViewSet("fashion-mnist/train/59999", "simclr", 1, 123L, List.of(a, a), null);
        assertThat((double) vs.encode().length / (2 * 784)).isLessThan(1.04);
    }

    @Test
    void everyTruncationFailsWithTheFieldName() {
        boolean[][] m = {{true, false}, {false, true}};
        ViewSet vs = new ViewSet("x", "mae", 2, -5L, List.of(new View(2, 3, 1, new byte[6]), new View(1, 1, 3, new byte[3])),
                PatchMask.of(1, m));
        byte[] full = vs.encode();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> ViewSet.decode(cut)).as("truncated to %d", len)
                    .isInstanceOf(CodecException.class).hasMessageContaining("ViewSet: truncated at field '");
        }
        assertThatThrownBy(() -> ViewSet.decode(Arrays.copyOf(full, full.length - 1)))
                .hasMessageContaining("field 'mask.bits'");
        int secondViewPixels = full.length - 1 - 6 - 3 + 1;
        assertThatThrownBy(() -> ViewSet.decode(Arrays.copyOf(full, secondViewPixels)))
                .hasMessageContaining("field 'views[1].pixels'");
    }

    @Test
    void corruptionsAreNamed() {
        byte[] ok = new ViewSet("x", "simclr", 1, 0, List.of(new View(1, 1, 1, new byte[1])), null).encode();
        byte[] flags = ok.clone();
        flags[5] = 4;
        assertThatThrownBy(() -> ViewSet.decode(flags)).hasMessageContaining("field 'flags'");
        byte[] noViews = ok.clone();
        int countOffset = 4 + 1 + 1 + 3 + 8 + 2 + 8;
        noViews[countOffset] = 0;
        assertThatThrownBy(() -> ViewSet.decode(noViews)).hasMessageContaining("field 'viewCount'");
        byte[] zeroHeight = ok.clone();
        zeroHeight[countOffset + 2] = 0;
        assertThatThrownBy(() -> ViewSet.decode(zeroHeight)).hasMessageContaining("field 'views[0]'").hasMessageContaining("zero dimension");
        assertThatThrownBy(() -> ViewSet.decode(RawSample.pixels("s", "d", "", 1, 1, 1, new byte[1]).encode()))
                .hasMessageContaining("field 'magic'");
    }

    @Test
    void hostileDimensionsFailAsTruncatedNotByOverflow() {
        byte[] ok = new ViewSet("x", "simclr", 1, 0, List.of(new View(1, 1, 1, new byte[1])), null).encode();
        int countOffset = 4 + 1 + 1 + 3 + 8 + 2 + 8;
        byte[] huge = ok.clone();
        huge[countOffset + 1] = (byte) 0xFF; // height 65535
        huge[countOffset + 2] = (byte) 0xFF;
        huge[countOffset + 3] = (byte) 0xFF; // width 65535
        huge[countOffset + 4] = (byte) 0xFF;
        huge[countOffset + 5] = (byte) 0xFF; // 255 channels
        assertThatThrownBy(() -> ViewSet.decode(huge)).isInstanceOf(CodecException.class)
                .hasMessageContaining("field 'views[0].pixels'").hasMessageContaining("need 1095183237375 bytes");
    }

    @Test
    void patchMaskBitsAreRowMajor() {
        boolean[][] m = {{true, false, false}, {false, false, true}};
        PatchMask mask = PatchMask.of(4, m);
        assertThat(mask.bits()).containsExactly((byte) 0b0010_0001);
        assertThat(mask.isMasked(0, 0)).isTrue();
        assertThat(mask.isMasked(1, 2)).isTrue();
        assertThat(mask.isMasked(0, 1)).isFalse();
        assertThat(mask.maskedCount()).isEqualTo(2);
    }
}
