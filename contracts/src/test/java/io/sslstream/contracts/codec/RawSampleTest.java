package io.sslstream.contracts.codec;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawSampleTest {

    private static final SplittableRandom SEEDS = new SplittableRandom(42);

    static RawSample random(SplittableRandom rnd) {
        int h = 1 + rnd.nextInt(40);
        int w = 1 + rnd.nextInt(40);
        int c = rnd.nextBoolean() ? 1 : 3;
        byte[] px = new byte[h * w * c];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rnd.nextInt(256);
        }
        return RawSample.pixels("id-" + rnd.nextLong() + "-é", "ds" + rnd.nextInt(9), rnd.nextBoolean() ? "" : "file:/x/" + rnd.nextInt(),
                h, w, c, px);
    }

    @RepeatedTest(200)
    void randomSamplesRoundTrip() {
        RawSample s = random(SEEDS.split());
        assertThat(RawSample.decode(s.encode())).isEqualTo(s);
    }

    @Test
    void encodedImagesKeepUnknownShape() {
        RawSample png = new RawSample("a", "d", "", "image/png", 0, 0, 0, new byte[]{1, 2, 3});
        assertThat(RawSample.decode(png.encode())).isEqualTo(png);
    }

    @Test
    void everyTruncationFailsWithTheFieldName() {
        RawSample s = RawSample.pixels("sample-1", "fashion-mnist", "idx:0", 2, 2, 1, new byte[]{1, 2, 3, 4});
        byte[] full = s.encode();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThatThrownBy(() -> RawSample.decode(cut))
                    .as("truncated to %d bytes", len)
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("RawSample")
                    .hasMessageContaining("truncated at field '");
        }
    }

    @Test
    void truncationInsidePayloadNamesThePayload() {
        byte[] full = RawSample.pixels("s", "d", "", 2, 2, 1, new byte[4]).encode();
        assertThatThrownBy(() -> RawSample.decode(Arrays.copyOf(full, full.length - 1)))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("field 'payload'")
                .hasMessageContaining("need 4 bytes, 3 remain");
    }

    @Test
    void corruptHeaderFieldsAreNamed() {
        byte[] ok = RawSample.pixels("s", "d", "", 2, 2, 1, new byte[4]).encode();

        byte[] magic = ok.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> RawSample.decode(magic)).hasMessageContaining("field 'magic'");

        byte[] version = ok.clone();
        version[4] = 9;
        assertThatThrownBy(() -> RawSample.decode(version))
                .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.reason()).isEqualTo("bad-version"))
                .hasMessageContaining("field 'version'").hasMessageContaining("unsupported version 9");

        byte[] trailing = Arrays.copyOf(ok, ok.length + 2);
        assertThatThrownBy(() -> RawSample.decode(trailing)).hasMessageContaining("trailing");

        assertThatThrownBy(() -> RawSample.decode(new byte[0])).hasMessageContaining("field 'magic'");
        assertThatThrownBy(() -> RawSample.decode(null)).isInstanceOf(CodecException.class);
    }

    @Test
    void pixelPayloadMustMatchTheShape() {
        // a hand-built record whose shape says 3x3x1 while 4 bytes follow
        byte[] ok = RawSample.pixels("s", "d", "", 2, 2, 1, new byte[4]).encode();
        byte[] lying = ok.clone();
        int heightOffset = 4 + 1 + 1 + (2 + 1) + (2 + 1) + 2 + (2 + RawSample.PIXELS_U8.length());
        lying[heightOffset + 3] = 3;
        assertThatThrownBy(() -> RawSample.decode(lying))
                .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.field()).isEqualTo("payload"))
                .hasMessageContaining("shape 3x2x1 needs 6");

        assertThatThrownBy(() -> RawSample.pixels("s", "d", "", 3, 3, 1, new byte[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 9");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] ok = RawSample.pixels("s", "d", "", 1, 1, 1, new byte[1]).encode();
        ok[8] = (byte) 0xC3; // the sample id's only byte: a lone UTF-8 lead byte
        assertThatThrownBy(() -> RawSample.decode(ok)).hasMessageContaining("field 'sampleId'").hasMessageContaining("UTF-8");
    }
}
