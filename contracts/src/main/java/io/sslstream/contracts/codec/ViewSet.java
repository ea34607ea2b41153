package io.sslstream.contracts.codec;

import java.util.List;
import java.util.Objects;

/**
 * The training sample produced by a recipe from one raw sample, on {@code ssl.views.<recipe>}.
 *
 * <p>Wire format v1 (big-endian):
 * <pre>
 * magic          4 bytes  "SSLV"
 * version        u8       1
 * flags          u8       bit 0: a patch mask follows the views
 * sampleId       u16 length + UTF-8
 * recipe         u16 length + UTF-8
 * recipeVersion  u16
 * seed           i64      the seed the views were drawn with
 * viewCount      u8       1..255
 * per view:      height u16, width u16, channels u8, then height*width*channels uint8 pixels (HWC)
 * mask (flag 0): patchSize u16, rows u16, cols u16, then ceil(rows*cols/8) bytes, row-major bitset
 * </pre>
 * The header costs {@code 23 + len(sampleId) + len(recipe)} bytes plus 5 per view, so two 28x28 views
 * take about 1.03x their pixel bytes before compression.
 *
 * @param sampleId      id of the raw sample the views come from (also the Kafka key)
 * @param recipe        recipe name, e.g. {@code simclr}
 * @param recipeVersion recipe version: the same (bytes, recipe, version, seed) always give the same views
 * @param seed          the seed of the random augmentation parameters
 * @param views         one or more views
 * @param mask          patch mask for masked-image modelling, or {@code null}
 */
public record ViewSet(String sampleId, String recipe, int recipeVersion, long seed, List<View> views, PatchMask mask) {

    static final byte[] MAGIC = {'S', 'S', 'L', 'V'};
    /** The only wire version this build reads and writes. */
    public static final int VERSION = 1;
    private static final String RECORD = "ViewSet";

    public ViewSet {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(recipe, "recipe");
        views = List.copyOf(views);
        if (views.isEmpty() || views.size() > 255) {
            throw new IllegalArgumentException("a ViewSet holds 1 to 255 views, got " + views.size());
        }
        if (recipeVersion < 0 || recipeVersion > 0xFFFF) {
            throw new IllegalArgumentException("recipeVersion out of range: " + recipeVersion);
        }
    }

    public byte[] encode() {
        int size = 4 + 1 + 1 + BinaryWriter.str16Size(sampleId) + BinaryWriter.str16Size(recipe) + 2 + 8 + 1;
        for (View v : views) {
            size += 5 + v.pixels().length;
        }
        if (mask != null) {
            size += 6 + mask.bits().length;
        }
        BinaryWriter w = new BinaryWriter(size)
                .bytes(MAGIC).u8(VERSION).u8(mask != null ? 1 : 0)
                .str16(sampleId).str16(recipe).u16(recipeVersion).i64(seed).u8(views.size());
        for (View v : views) {
            w.u16(v.height()).u16(v.width()).u8(v.channels()).bytes(v.pixels());
        }
        if (mask != null) {
            w.u16(mask.patchSize()).u16(mask.rows()).u16(mask.cols()).bytes(mask.bits());
        }
        return w.done();
    }

    /** Decodes a v1 record; any malformation is a {@link CodecException} naming the field. */
    public static ViewSet decode(byte[] bytes) {
        BinaryReader r = new BinaryReader(RECORD, bytes);
        r.magic("magic", MAGIC);
        int version = r.u8("version");
        if (version != VERSION) {
            throw new CodecException(RECORD, "version", "bad-version", "unsupported version " + version + ", this build reads " + VERSION);
        }
        int flags = r.u8("flags");
        if ((flags & ~1) != 0) {
            throw new CodecException(RECORD, "flags", "bad-flags", "unknown flag bits 0x" + Integer.toHexString(flags));
        }
        String sampleId = r.str16("sampleId");
        String recipe = r.str16("recipe");
        int recipeVersion = r.u16("recipeVersion");
        long seed = r.i64("seed");
        int count = r.u8("viewCount");
        if (count == 0) {
            throw new CodecException(RECORD, "viewCount", "empty", "a ViewSet holds at least one view");
        }
        View[] views = new View[count];
        for (int i = 0; i < count; i++) {
            String f = "views[" + i + "]";
            int h = r.u16(f + ".height");
            int w = r.u16(f + ".width");
            int c = r.u8(f + ".channels");
            if (h == 0 || w == 0 || c == 0) {
                throw new CodecException(RECORD, f, "bad-shape", "zero dimension " + h + "x" + w + "x" + c);
            }
            views[i] = new View(h, w, c, r.bytes(f + ".pixels", (long) h * w * c));
        }
        PatchMask mask = null;
        if ((flags & 1) != 0) {
            int patch = r.u16("mask.patchSize");
            int rows = r.u16("mask.rows");
            int cols = r.u16("mask.cols");
            if (patch == 0 || rows == 0 || cols == 0) {
                throw new CodecException(RECORD, "mask", "bad-shape", "zero mask grid " + rows + "x" + cols + " of " + patch + " px");
            }
            mask = new PatchMask(patch, rows, cols, r.bytes("mask.bits", ((long) rows * cols + 7) / 8));
        }
        r.end();
        return new ViewSet(sampleId, recipe, recipeVersion, seed, List.of(views), mask);
    }
}
