package io.sslstream.contracts;

import io.sslstream.contracts.codec.CodecException;
import io.sslstream.contracts.codec.RawSample;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleIdsTest {

    @Test
    void acceptsEveryIdThePlatformMakes() {
        assertThat(new String[] {
                "fashion-mnist/train/123",                  // sslctl load-idx, the local stack's first pass
                "fashion-mnist/train-epoch2/5",             // the local stack's later passes
                "fashion-mnist/train/5/epoch3",             // the pipeline benchmark's feeder
                "shop/class-7/0007.png",                    // sslctl load-images, sub-folders
                "shop/extra/deeper/a.JPG",
                "holiday/IMG 0001 (2).jpeg",                // file names with spaces and brackets
                "fotos/café/über_2026-11-28.png",           // letters of any script
                "fotos/cafe\u0301.png",                     // a decomposed é (macOS file names)
                "写真/猫.png",
                "rest/" + "ab12".repeat(16),                // REST without an id: <dataset>/<SHA-256 hex>
                "rest/b/two.png",                           // REST batches: <dataset>/<file name>
                "after-bad", "x", "a.b", "...", "a/.../b",  // no dataset prefix needed; dots are fine in a name
                "k=v,w@host~[1]+2",
                "é".repeat(256),                            // 512 UTF-8 bytes
        }).allSatisfy(id -> assertThat(SampleIds.sampleIdProblem(id)).as(id).isEmpty());
    }

    @Test
    void refusesTraversalEmptySegmentsControlCharactersAndLengthNamingTheProblem() {
        assertProblem("../../etc/passwd", "segment '..' at index 0");
        assertProblem("a/../b", "segment '..' at index 2");
        assertProblem("a/./b", "segment '.' at index 2");
        assertProblem("..", "segment '..'");
        assertProblem("/etc/passwd", "empty segment at index 0");
        assertProblem("a//b", "empty segment at index 2");
        assertProblem("a/", "empty segment at index 2");
        assertProblem("", "empty");
        assertProblem("a\nb", "U+000A (a control character) at index 1");
        assertProblem("a\u0000", "U+0000 (a control character)");
        assertProblem("evil\u202Etxt.png", "U+202E (a format character)");
        assertProblem("zero\u200Bwidth", "U+200B (a format character)");
        assertProblem("tab\there", "U+0009");
        assertProblem("nbsp\u00A0x", "U+00A0 (whitespace other than the space)");
        assertProblem("bad\uFFFDutf8", "not valid UTF-8");
        assertProblem("C:\\windows", "':' (U+003A)");
        assertProblem("a\\b", "'\\' (U+005C)");
        assertProblem("q?x=1", "'?' (U+003F)");
        assertProblem("50%", "'%' (U+0025)");
        assertProblem("x#frag", "'#' (U+0023)");
        assertProblem("broken\uD800", "unpaired surrogate at index 6");
        assertProblem("x".repeat(513), "more than 512 UTF-8 bytes (513 characters)");
        assertProblem("é".repeat(257), "more than 512 UTF-8 bytes");
        // a 60 KB id: refused, and the message quotes only its start
        String huge = "a".repeat(60_000);
        assertThat(SampleIds.sampleIdProblem(huge)).hasValueSatisfying(p -> assertThat(p.length()).isLessThan(300));
        assertThat(SampleIds.sampleIdProblem(null)).isPresent();
    }

    @Test
    void datasetNamesAreShortAsciiNames() {
        assertThat(new String[] {"fashion-mnist", "rest", "shop", "a", "d.v2_x", "A".repeat(64)})
                .allSatisfy(d -> assertThat(SampleIds.isDataset(d)).as(d).isTrue());
        assertThat(new String[] {"../x y", "..", ".hidden", "-x", "a/b", "no spaces", "", "A".repeat(65), "café", "a\n"})
                .allSatisfy(d -> assertThat(SampleIds.datasetProblem(d)).as(d).hasValueSatisfying(p ->
                        assertThat(p).contains(SampleIds.DATASET_PATTERN)));
        assertThat(SampleIds.datasetProblem(null)).isPresent();
    }

    @Test
    void quotesAreShortAndPrintable() {
        assertThat(SampleIds.quote("a\nb\u202E")).isEqualTo("'a\\u000Ab\\u202E'");
        assertThat(SampleIds.quote("x".repeat(200))).startsWith("'" + "x".repeat(80) + "'").endsWith("(200 characters, cut)");
        assertThat(SampleIds.quote(null)).isEqualTo("null");
    }

    @Test
    void rawSamplesCarryOnlyValidIdsAndDatasetsBothWays() {
        assertThatThrownBy(() -> RawSample.pixels("../../etc/passwd", "d", "", 1, 1, 1, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid sample id");
        assertThatThrownBy(() -> RawSample.pixels("ok", "../x y", "", 1, 1, 1, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid dataset name");

        // what another producer can still write: the decoder names the rule that was broken
        assertThatThrownBy(() -> RawSample.decode(record("../../etc/passwd", "d")))
                .isInstanceOfSatisfying(CodecException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RawSample.INVALID_SAMPLE_ID);
                    assertThat(e.field()).isEqualTo("sampleId");
                    assertThat(e.getMessage()).contains("segment '..'");
                });
        assertThatThrownBy(() -> RawSample.decode(record("ok", "../x y")))
                .isInstanceOfSatisfying(CodecException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RawSample.INVALID_DATASET);
                    assertThat(e.field()).isEqualTo("dataset");
                });
        assertThatThrownBy(() -> RawSample.decode(record("x".repeat(60_000), "d")))
                .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.reason()).isEqualTo(RawSample.INVALID_SAMPLE_ID));
        // invalid UTF-8 is refused as such, never replaced
        byte[] bad = record("ab", "d");
        bad[8] = (byte) 0xFF;
        assertThatThrownBy(() -> RawSample.decode(bad))
                .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.reason()).isEqualTo("bad-utf8"));
    }

    /** A 1x1 raw-pixel RawSample v1 written field by field, so that ids the encoder refuses can be sent. */
    static byte[] record(String id, String dataset) {
        byte[] i = id.getBytes(StandardCharsets.UTF_8);
        byte[] d = dataset.getBytes(StandardCharsets.UTF_8);
        byte[] t = RawSample.PIXELS_U8.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + i.length + 2 + d.length + 2 + 2 + t.length + 13 + 1);
        b.put(new byte[] {'S', 'S', 'L', 'R', 1, 0});
        b.putShort((short) i.length).put(i).putShort((short) d.length).put(d).putShort((short) 0);
        b.putShort((short) t.length).put(t).putInt(1).putInt(1).put((byte) 1).putInt(1).put((byte) 7);
        return b.array();
    }

    private static void assertProblem(String id, String expected) {
        assertThat(SampleIds.sampleIdProblem(id)).as(SampleIds.quote(id)).hasValueSatisfying(p -> assertThat(p).contains(expected));
        assertThat(SampleIds.isSampleId(id)).isFalse();
    }
}
