package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.PatchMask;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchMaskingTest {

    @Test
    void masksExactlyRoundedRatioTimesPatches() {
        PatchMask p4 = PatchMasking.draw(28, 28, new PatchMasking.Spec(4, 0.75), new SplittableRandom(1));
        PatchMask p7 = PatchMasking.draw(28, 28, new PatchMasking.Spec(7, 0.75), new SplittableRandom(1));

        // 7 x 7 = 49 patches: round(36.75) = 37; 4 x 4 = 16: 12
        assertThat(new int[] {p4.patchSize(), p4.rows(), p4.cols(), p4.maskedCount()}).containsExactly(4, 7, 7, 37);
        assertThat(new int[] {p7.patchSize(), p7.rows(), p7.cols(), p7.maskedCount()}).containsExactly(7, 4, 4, 12);
    }

    @Test
    void aSideThatIsNotAMultipleGetsAPartialEdgePatch() {
        PatchMask m = PatchMasking.draw(30, 17, new PatchMasking.Spec(8, 0.5), new SplittableRandom(2));

        assertThat(new int[] {m.rows(), m.cols(), m.maskedCount()}).containsExactly(4, 3, 6);
    }

    @Test
    void ratioZeroAndOneMaskNothingAndEverything() {
        assertThat(PatchMasking.draw(28, 28, new PatchMasking.Spec(4, 0), new SplittableRandom(3)).maskedCount()).isZero();
        assertThat(PatchMasking.draw(28, 28, new PatchMasking.Spec(4, 1), new SplittableRandom(3)).maskedCount()).isEqualTo(49);
    }

    @Test
    void theSameSeedGivesTheSameMaskAndEveryPatchIsChosenAboutEquallyOften() {
        PatchMasking.Spec spec = new PatchMasking.Spec(4, 0.75);
        assertThat(PatchMasking.draw(28, 28, spec, new SplittableRandom(9)))
                .isEqualTo(PatchMasking.draw(28, 28, spec, new SplittableRandom(9)));

        int[] hits = new int[49];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 4000; i++) {
            PatchMask m = PatchMasking.draw(28, 28, spec, rnd);
            for (int p = 0; p < 49; p++) {
                hits[p] += m.isMasked(p / 7, p % 7) ? 1 : 0;
            }
        }
        // each patch is masked with probability 37/49 = 0.755: 3020 of 4000, standard deviation 27
        assertThat(java.util.Arrays.stream(hits).boxed().toList()).allSatisfy(h -> assertThat(h).isBetween(2880, 3160));
    }

    @Test
    void rejectsBadSpecs() {
        assertThatThrownBy(() -> new PatchMasking.Spec(0, 0.5)).hasMessageContaining("patch size");
        assertThatThrownBy(() -> new PatchMasking.Spec(4, 1.5)).hasMessageContaining("mask ratio");
    }
}
