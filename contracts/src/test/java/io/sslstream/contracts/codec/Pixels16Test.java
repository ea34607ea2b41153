package io.sslstream.contracts.codec;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pixels16Test {

    private static final SplittableRandom SEEDS = new SplittableRandom(16);

    static Pixels16 random(SplittableRandom rnd) {
        int h = 1 + rnd.nextInt(30);
        int w = 1 + rnd.nextInt(30);
        short[] v = new short[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) rnd.nextInt(65536);
        }
        boolean windowed = rnd.nextBoolean();
        return new Pixels16(h, w, rnd.nextBoolean(), rnd.nextBoolean(), 1 + rnd.nextInt(16), 0.5 + rnd.nextDouble(),
                -1024 * rnd.nextDouble(), windowed ? 40 : Double.NaN, windowed ? 400 : Double.NaN, v);
    }

    @RepeatedTest(100)
    void framesRoundTripInsideARawSample() {
        Pixels16 p = random(SEEDS.split());
        RawSample s = RawSample.pixels16("ct/abc/0", "ct", "", p);
        RawSample back = RawSample.decode(s.encode());
        assertThat(back).isEqualTo(s);
        assertThat(back.contentType()).isEqualTo(RawSample.PIXELS_16);
        assertThat(Pixels16.decode(back.payload(), back.height(), back.width())).isEqualTo(p);
    }

    @Test
    void theBytesAreTheDocumentedLayout() {
        Pixels16 p = new Pixels16(1, 2, true, true, 12, 1, -1024, 40, 400, new short[] {-1, 0x1234});
        String hex = HexFormat.of().formatHex(p.encode());
        assertThat(hex).isEqualTo("53534c50" + "01" + "03" + "0c" + "00"
                + "3ff0000000000000" + "c090000000000000" + "4044000000000000" + "4079000000000000"
                + "ffff" + "1234");
        assertThat(p.stored(0)).isEqualTo(-1);
        Pixels16 unsigned = new Pixels16(1, 1, false, false, 16, 1, 0, Double.NaN, Double.NaN, new short[] {-1});
        assertThat(unsigned.stored(0)).isEqualTo(65535);
        assertThat(unsigned.hasWindow()).isFalse();
    }

    @Test
    void aPayloadOfTheWrongLengthIsAShapeMismatchOfTheRawSample() {
        Pixels16 p = new Pixels16(2, 2, false, false, 16, 1, 0, Double.NaN, Double.NaN, new short[4]);
        RawSample s = RawSample.pixels16("a", "d", "", p);
        byte[] bytes = s.encode();
        // declare a 2x3 frame around a 2x2 payload: patch the width (u32 after the four strings)
        byte[] patched = Arrays.copyOf(bytes, bytes.length);
        int widthAt = 4 + 1 + 1 + (2 + 1) + (2 + 1) + 2 + (2 + RawSample.PIXELS_16.length()) + 4;
        patched[widthAt + 3] = 3;
        assertThatThrownBy(() -> RawSample.decode(patched)).isInstanceOf(CodecException.class)
                .hasMessageContaining("shape-mismatch").hasMessageContaining("channels 1");
        assertThatThrownBy(() -> new RawSample("a", "d", "", RawSample.PIXELS_16, 2, 2, 3, p.encode()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyMalformationNamesItsReason() {
        byte[] good = new Pixels16(2, 2, false, false, 16, 1, 0, 40, 400, new short[4]).encode();
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThatThrownBy(() -> Pixels16.decode(cut, 2, 2)).isInstanceOf(CodecException.class)
                    .extracting(e -> ((CodecException) e).reason()).isEqualTo("truncated");
        }
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThat(reason(magic)).isEqualTo("bad-magic");
        byte[] version = good.clone();
        version[4] = 2;
        assertThat(reason(version)).isEqualTo("bad-version");
        byte[] flags = good.clone();
        flags[5] = 4;
        assertThat(reason(flags)).isEqualTo("bad-flags");
        byte[] bits = good.clone();
        bits[6] = 17;
        assertThat(reason(bits)).isEqualTo("out-of-range");
        byte[] slope = good.clone();
        Arrays.fill(slope, 8, 16, (byte) 0); // slope 0
        assertThat(reason(slope)).isEqualTo("out-of-range");
        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertThat(reason(longer)).isEqualTo("trailing-bytes");
    }

    private static String reason(byte[] payload) {
        try {
            Pixels16.decode(payload, 2, 2);
            return "none";
        } catch (CodecException e) {
            return e.reason();
        }
    }
}
