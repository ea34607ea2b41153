package io.sslstream.bench.trainer;

import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training batches of a parity run, written once by the augmenter's recipe classes and read by both sides (our
 * trainer and {@code benchmarks/peer/parity_peer.py}), so that both train on the same views in the same order.
 *
 * <p>Layout, little endian: magic {@code SSLPARV1}; int32 batch, steps, views, height, width, channels, masked (0/1),
 * mask rows, mask cols, patch; then per step, per sample, its views' uint8 HWC pixels one after the other and (masked)
 * {@code rows * cols} bytes, 1 where the patch is hidden. Steps are epochs of the first {@code images} training images,
 * shuffled per epoch with the seed, a new augmentation per epoch; a last short batch of an epoch is dropped.
 */
public final class ViewFile implements AutoCloseable {

    static final byte[] MAGIC = "SSLPARV1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int HEADER = 8 + 10 * 4;

    private final Path path;
    private final FileChannel channel;
    private final int batch;
    private final int steps;
    private final int views;
    private final int height;
    private final int width;
    private final int channels;
    private final boolean masked;
    private final int maskRows;
    private final int maskCols;
    private final int patch;
    private final String recipe;

    private ViewFile(Path path, String recipe) throws IOException {
        this.path = path;
        this.recipe = recipe;
        this.channel = new RandomAccessFile(path.toFile(), "r").getChannel();
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(h, 0);
        h.flip();
        byte[] magic = new byte[8];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(path + ": not a parity view file");
        }
        batch = h.getInt();
        steps = h.getInt();
        views = h.getInt();
        height = h.getInt();
        width = h.getInt();
        channels = h.getInt();
        masked = h.getInt() == 1;
        maskRows = h.getInt();
        maskCols = h.getInt();
        patch = h.getInt();
        long expected = HEADER + (long) steps * batch * sampleBytes();
        if (channel.size() != expected) {
            throw new IOException(path + ": " + channel.size() + " bytes, the header promises " + expected);
        }
    }

    /** Opens a file {@link #write} made. */
    public static ViewFile open(Path path, String recipe) throws IOException {
        return new ViewFile(path, recipe);
    }

    /** Steps in one epoch of {@code images} images. */
    public static int stepsPerEpoch(int images, int batch) {
        return images / batch;
    }

    /**
     * Writes {@code epochs} epochs of the first {@code images} training images under {@code recipe} (the seeding of
     * {@link Pretraining}: image order shuffled per epoch, augmentation seed {@code seed * 1000003 + epoch}).
     */
    public static void write(Path path, Recipe recipe, FashionMnist.Split train, int images, int epochs, int batch, long seed)
            throws IOException {
        if (images > train.count() || images < batch) {
            throw new IllegalArgumentException("images must be between the batch (" + batch + ") and " + train.count() + ", got " + images);
        }
        int perEpoch = stepsPerEpoch(images, batch);
        int[] order = new int[images];
        for (int i = 0; i < images; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        long t0 = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            boolean headerDone = false;
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int i = images - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int s = 0; s < perEpoch; s++) {
                    for (int b = 0; b < batch; b++) {
                        ViewSet vs = Views.of(recipe, train, order[s * batch + b], seed * 1_000_003L + epoch);
                        if (!headerDone) {
                            out.write(header(vs, batch, perEpoch * epochs));
                            headerDone = true;
                        }
                        for (View v : vs.views()) {
                            out.write(v.pixels());
                        }
                        PatchMask m = vs.mask();
                        if (m != null) {
                            byte[] bits = new byte[m.rows() * m.cols()];
                            for (int t = 0; t < bits.length; t++) {
                                bits[t] = (byte) (m.isMasked(t / m.cols(), t % m.cols()) ? 1 : 0);
                            }
                            out.write(bits);
                        }
                    }
                }
                System.out.printf("  views: epoch %d of %d written (%.0f s)%n", epoch + 1, epochs, (System.nanoTime() - t0) / 1e9);
            }
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] header(ViewSet first, int batch, int steps) {
        View v = first.views().get(0);
        for (View o : first.views()) {
            if (o.height() != v.height() || o.width() != v.width() || o.channels() != v.channels()) {
                throw new IllegalArgumentException("views of one size only, recipe " + first.recipe() + " has " + o + " and " + v);
            }
        }
        PatchMask m = first.mask();
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(batch).putInt(steps).putInt(first.views().size()).putInt(v.height()).putInt(v.width()).putInt(v.channels())
                .putInt(m != null ? 1 : 0).putInt(m != null ? m.rows() : 0).putInt(m != null ? m.cols() : 0).putInt(m != null ? m.patchSize() : 0);
        return h.array();
    }

    private int sampleBytes() {
        return views * height * width * channels + (masked ? maskRows * maskCols : 0);
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    public Path path() {
        return path;
    }

    /** The view sets of step {@code k} (0-based), as the trainer would have consumed them. */
    public List<ViewSet> step(int k) throws IOException {
        int sb = sampleBytes();
        ByteBuffer buf = ByteBuffer.allocate(batch * sb);
        long pos = HEADER + (long) k * batch * sb;
        while (buf.hasRemaining()) {
            if (channel.read(buf, pos + buf.position()) < 0) {
                throw new IOException(path + ": truncated at step " + k);
            }
        }
        buf.flip();
        int image = height * width * channels;
        List<ViewSet> out = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            List<View> vs = new ArrayList<>(views);
            for (int v = 0; v < views; v++) {
                byte[] px = new byte[image];
                buf.get(px);
                vs.add(new View(height, width, channels, px));
            }
            PatchMask mask = null;
            if (masked) {
                boolean[][] grid = new boolean[maskRows][maskCols];
                for (int t = 0; t < maskRows * maskCols; t++) {
                    grid[t / maskCols][t % maskCols] = buf.get() == 1;
                }
                mask = PatchMask.of(patch, grid);
            }
            out.add(new ViewSet("parity/" + k + "/" + b, recipe, 1, 0, vs, mask));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
