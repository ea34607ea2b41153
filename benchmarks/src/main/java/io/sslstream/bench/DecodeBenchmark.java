package io.sslstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.augment.Image;
import io.sslstream.bench.augmenter.Inputs;
import io.sslstream.contracts.codec.RawSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./bench decode}: images per second per core of the augmenter's decoder (ImageIO, through
 * {@code SampleDecoder} with its checks, as the service decodes) against libjpeg-turbo's own Java API (TurboJPEG, JNI,
 * from Debian's {@code libturbojpeg-java}) and against Pillow ({@code benchmarks/peer/decode_peer.py}), on the same
 * bytes: the question whether a well-kept library decodes faster than ImageIO.
 *
 * <p>TurboJPEG is loaded from its jar at run time ({@code --turbojpeg-jar}), not a build dependency: the augmenter does
 * not use it (yet), and a machine without it still runs the rest. Every number is one thread, the median of
 * {@code --trials} trials after one untimed round.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Image decoding per core: the augmenter's ImageIO decoder against TurboJPEG (JNI) and Pillow, same bytes.")
public class DecodeBenchmark implements Callable<Integer> {

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Fashion-MNIST IDX folder (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--photos", description = "folder of JPEG photographs to cut into 224x224 tiles (default: "
            + "/usr/share/backgrounds/mate/nature, from apt-get install mate-backgrounds)")
    Path photos = Inputs.DEBIAN_PHOTOS;

    @Option(names = "--turbojpeg-jar", defaultValue = "/usr/share/java/turbojpeg.jar",
            description = "TurboJPEG's Java API (apt-get install libturbojpeg-java libturbojpeg0-dev) (default: ${DEFAULT-VALUE})")
    Path turbojpegJar;

    @Option(names = "--trials", defaultValue = "7", description = "timed trials per decoder; the median is reported (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--rounds", defaultValue = "3", description = "passes over the images per trial (default: ${DEFAULT-VALUE})")
    int rounds;

    /** A decoder of one payload into HWC bytes; returns something of the pixels, so that nothing is optimised away. */
    interface Decoder {
        int decode(byte[] payload) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        Path out = doc != null ? doc : Repo.benchmarksDoc();
        double loadBefore = Machine.loadAverage();
        List<Inputs.Payloads> inputs = List.of(
                Inputs.jpeg(Inputs.photoTiles(photos, 224, 158), 0.9f, "224x224 tiles of " + photos + ", JPEG quality 90"),
                Inputs.fashionPng(data, 20_000));
        List<String> names = List.of("224x224 RGB JPEG (q90, photographs)", "28x28 gray PNG (Fashion-MNIST)");
        Object turbo = turboJpeg();
        List<List<String>> rows = new ArrayList<>();
        String pillow = "";
        for (int i = 0; i < inputs.size(); i++) {
            Inputs.Payloads in = inputs.get(i);
            SampleDecoder ours = new SampleDecoder(1L << 24);
            Decoder imageIo = p -> {
                Image img = ours.decode(new RawSample("s", "bench", "", in.contentType(), in.height(), in.width(), in.channels(), p));
                return img.pixels()[img.pixels().length / 2];
            };
            double oursRate = rate(in.payloads(), imageIo);
            String turboCell = "-";
            String turboRatio = "-";
            String same = "-";
            if (turbo instanceof Turbo t && in.contentType().equals(SampleDecoder.JPEG)) {
                double r = rate(in.payloads(), t::decode);
                turboCell = Report.n0(r);
                turboRatio = Report.ratio(r / oursRate);
                int max = t.maxDifference(in.payloads(), ours, in);
                same = max == 0 ? "yes" : "no (max difference " + max + ")";
            }
            Path file = Files.createTempFile("decode-peer", ".bin");
            in.writeTo(file);
            List<JsonNode> lines = Peer.run(Peer.script(Repo.root(), "decode_peer.py"),
                    List.of("--input", file.toString(), "--runs", String.valueOf(trials), "--rounds", String.valueOf(rounds)),
                    Duration.ofMinutes(10));
            Files.deleteIfExists(file);
            List<Double> peerRates = new ArrayList<>();
            for (JsonNode l : lines) {
                if (l.path("kind").asText().equals("env")) {
                    pillow = "Pillow " + l.path("pillow").asText();
                } else if (l.path("kind").asText().equals("rate")) {
                    peerRates.add(l.path("images").asDouble() / l.path("cpu_seconds").asDouble());
                }
            }
            double peer = Stats.median(peerRates.stream().mapToDouble(Double::doubleValue).toArray());
            rows.add(List.of(names.get(i), Report.n0(in.meanBytes()), Report.n0(oursRate), turboCell, turboRatio, same,
                    Report.n0(peer), Report.ratio(oursRate / peer)));
            System.out.printf("%s: ImageIO %,.0f/s, TurboJPEG %s/s, Pillow %,.0f per CPU-s%n", names.get(i), oursRate, turboCell, peer);
        }
        double loadAfter = Machine.loadAverage();
        String command = String.format(Locale.ROOT, "./bench decode --trials %d --rounds %d", trials, rounds);
        Report report = new Report("Image decoding: ImageIO against TurboJPEG and Pillow", command)
                .paragraph(String.format(Locale.ROOT, """
                        One thread each, the same bytes. *ImageIO*: the augmenter's `SampleDecoder` as the service runs it \
                        (header and size checks, PNG chunk CRCs, a CPU budget watch, ImageIO's decoder, HWC bytes out). \
                        *TurboJPEG*: libjpeg-turbo's Java API over JNI (%s), `TJDecompressor.decompress` to RGB bytes, no \
                        checks. *Pillow*: `benchmarks/peer/decode_peer.py` (%s), `Image.open` + `load` + `np.asarray`, its \
                        CPU time. Images per second of one thread (ours, TurboJPEG: wall time on one thread; Pillow: per \
                        CPU-second), median of %d trials of %d passes over the images. *Same pixels*: TurboJPEG's output \
                        against ours, every image. Load average %.2f before, %.2f after.""",
                        turbo instanceof Turbo ? turbojpegJar : "not found: " + turbo, pillow, trials, rounds, loadBefore, loadAfter))
                .table(List.of("input", "mean bytes", "ImageIO (ours) images/s", "TurboJPEG images/s", "TurboJPEG / ImageIO",
                        "same pixels", "Pillow images per CPU-s", "ImageIO / Pillow"), rows);
        report.writeTo(out, "decode");
        System.out.println();
        System.out.println(report.markdown());
        return 0;
    }

    /** Images per second of one thread: median of the trials, after one untimed round. */
    private double rate(List<byte[]> payloads, Decoder d) throws Exception {
        long sink = 0;
        for (byte[] p : payloads) {
            sink += d.decode(p);
        }
        List<Double> rates = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                for (byte[] p : payloads) {
                    sink += d.decode(p);
                }
            }
            rates.add((double) rounds * payloads.size() / ((System.nanoTime() - t0) / 1e9));
        }
        if (sink == 42) {
            System.out.print(""); // uses the decoded values, so that the JIT cannot drop the decoding
        }
        return Stats.median(rates.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** TurboJPEG from its jar, or why it could not be loaded. */
    private Object turboJpeg() {
        if (!Files.isRegularFile(turbojpegJar)) {
            return turbojpegJar + " (apt-get install libturbojpeg-java libturbojpeg0-dev)";
        }
        try {
            return new Turbo(new URLClassLoader(new URL[] {turbojpegJar.toUri().toURL()}, getClass().getClassLoader()));
        } catch (Throwable e) { // the JNI library missing is an UnsatisfiedLinkError
            return e.toString();
        }
    }

    /** TurboJPEG by reflection: {@code new TJDecompressor()}, {@code setSourceImage}, {@code decompress(w, 0, h, PF_RGB, 0)}. */
    static final class Turbo {

        private final Object decompressor;
        private final Method setSource;
        private final Method decompress;
        private final Method width;
        private final Method height;
        private final int pfRgb;

        Turbo(ClassLoader loader) throws Exception {
            Class<?> type = Class.forName("org.libjpegturbo.turbojpeg.TJDecompressor", true, loader);
            Constructor<?> c = type.getConstructor();
            decompressor = c.newInstance();
            setSource = type.getMethod("setSourceImage", byte[].class, int.class);
            decompress = type.getMethod("decompress", int.class, int.class, int.class, int.class, int.class);
            width = type.getMethod("getWidth");
            height = type.getMethod("getHeight");
            pfRgb = Class.forName("org.libjpegturbo.turbojpeg.TJ", true, loader).getField("PF_RGB").getInt(null);
        }

        byte[] pixels(byte[] jpeg) throws Exception {
            setSource.invoke(decompressor, jpeg, jpeg.length);
            int w = (int) width.invoke(decompressor);
            int h = (int) height.invoke(decompressor);
            return (byte[]) decompress.invoke(decompressor, w, 0, h, pfRgb, 0);
        }

        int decode(byte[] jpeg) throws Exception {
            byte[] px = pixels(jpeg);
            return px[px.length / 2];
        }

        int maxDifference(List<byte[]> payloads, SampleDecoder ours, Inputs.Payloads in) throws Exception {
            int max = 0;
            for (byte[] p : payloads) {
                byte[] a = pixels(p);
                byte[] b = ours.decode(new RawSample("s", "bench", "", in.contentType(), in.height(), in.width(), in.channels(), p)).pixels();
                if (a.length != b.length) {
                    return 256;
                }
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
                }
            }
            return max;
        }
    }
}
