package io.sslstream.cli;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.InProcessKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageFolderLoaderTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    static final int PNGS = 150;
    /** One broker for the class; each test loads under its own dataset name and reads back only its keys. */
    static InProcessKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = InProcessKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** A folder like a labelled image dataset: one sub-folder per class, real Fashion-MNIST images as PNG, a few JPEGs. */
    static void writeFolder(Path dir, IdxFile images, IdxFile labels) throws Exception {
        for (int i = 0; i < PNGS; i++) {
            Path f = dir.resolve("class-" + (labels.item(i)[0] & 0xFF)).resolve(String.format("%04d.png", i));
            Files.createDirectories(f.getParent());
            ImageIO.write(gray(images.item(i)), "png", f.toFile());
        }
        Files.createDirectories(dir.resolve("extra/deeper"));
        ImageIO.write(gray(images.item(PNGS)), "jpeg", dir.resolve("extra/deeper/a.JPG").toFile());
        ImageIO.write(gray(images.item(PNGS + 1)), "jpeg", dir.resolve("extra/b.jpeg").toFile());
        // named like images but not images, and not named like images at all
        Files.writeString(dir.resolve("extra/broken.png"), "this is not a PNG");
        Files.writeString(dir.resolve("README.txt"), "labels are the folder names");
        // a PNG named .jpg: the bytes decide the content type, not the name
        ImageIO.write(gray(images.item(PNGS + 2)), "png", dir.resolve("extra/really-a-png.jpg").toFile());
    }

    static BufferedImage gray(byte[] pixels) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, pixels);
        return img;
    }

    @Test
    void streamsEveryImageOfTheFolderTreeOnceKeyedByItsRelativePath(@TempDir Path dir) throws Exception {
        IdxFile images = FashionMnist.read(SUBSET, "train", PNGS + 3).images();
        IdxFile labels = FashionMnist.read(SUBSET, "train", PNGS + 3).labels();
        writeFolder(dir, images, labels);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        ImageFolderLoader.Result r = ImageFolderLoader.load(kafka.bootstrapServers(), dir, "shop", Integer.MAX_VALUE, 1_000_000,
                new PrintStream(progress, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8),
                () -> true);

        assertThat(r.sent()).isEqualTo(PNGS + 3);
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).startsWith("extra/broken.png").contains("not a PNG or JPEG"));
        Map<String, RawSample> got = read("shop/", PNGS + 3);

        assertThat(got).hasSize(PNGS + 3);
        RawSample s = got.get("shop/class-" + (labels.item(7)[0] & 0xFF) + "/0007.png");
        assertThat(s.contentType()).isEqualTo("image/png");
        assertThat(s.dataset()).isEqualTo("shop");
        assertThat(s.sourceUri()).startsWith("file:").endsWith("0007.png");
        assertThat(s.payload()).as("the file's bytes, as they are").isEqualTo(Files.readAllBytes(Path.of(java.net.URI.create(s.sourceUri()))));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(s.payload()));
        byte[] pixels = new byte[784];
        decoded.getRaster().getDataElements(0, 0, 28, 28, pixels);
        assertThat(pixels).isEqualTo(images.item(7));
        assertThat(got.get("shop/extra/deeper/a.JPG").contentType()).isEqualTo("image/jpeg");
        assertThat(got.get("shop/extra/b.jpeg").contentType()).isEqualTo("image/jpeg");
        assertThat(got.get("shop/extra/really-a-png.jpg").contentType()).isEqualTo("image/png");
        assertThat(got).doesNotContainKey("shop/extra/broken.png").doesNotContainKey("shop/README.txt");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("154/154", "100.0%", "ETA");
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("broken.png");
    }

    @Test
    void limitTakesTheFirstFilesInPathOrder(@TempDir Path dir) throws Exception {
        IdxFile images = FashionMnist.read(SUBSET, "train", PNGS + 3).images();
        IdxFile labels = FashionMnist.read(SUBSET, "train", PNGS + 3).labels();
        writeFolder(dir, images, labels);
        List<Path> all = ImageFolderLoader.imageFiles(dir);

        assertThat(all).hasSize(PNGS + 4).isSorted();
        ImageFolderLoader.Result r = ImageFolderLoader.load(kafka.bootstrapServers(), dir, "limited", 10, 1_000_000,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), () -> true);

        assertThat(r.sent()).isEqualTo(10);
        assertThat(read("limited/", 10).keySet()).containsExactlyInAnyOrderElementsOf(all.subList(0, 10).stream()
                .map(p -> "limited/" + dir.relativize(p).toString().replace('\\', '/')).toList());
    }

    @Test
    void filesLargerThanARecordAreSkippedAndSaidSo(@TempDir Path dir) throws Exception {
        ImageIO.write(gray(new byte[784]), "png", dir.resolve("small.png").toFile());
        // noise does not compress: the PNG is about as large as its 270,000 pixel bytes
        BufferedImage big = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 300; x++) {
                big.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        ImageIO.write(big, "png", dir.resolve("big.png").toFile());
        long bigSize = Files.size(dir.resolve("big.png"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        ImageFolderLoader.Result r = ImageFolderLoader.load(kafka.bootstrapServers(), dir, "sizes", 100, (int) bigSize - 1,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(errors, true, StandardCharsets.UTF_8), () -> true);

        assertThat(r.sent()).isEqualTo(1);
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).startsWith("big.png").contains("--max-bytes"));
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("big.png");
    }

    @Test
    void filesWhoseIdsThePlatformWouldRefuseAreSkippedAndSaidSoAndABadDatasetStopsTheLoad(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("sub folder"));
        ImageIO.write(gray(new byte[784]), "png", dir.resolve("sub folder/IMG 0001 (2).png").toFile());
        ImageIO.write(gray(new byte[784]), "png", dir.resolve("photo#1.png").toFile());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        ImageFolderLoader.Result r = ImageFolderLoader.load(kafka.bootstrapServers(), dir, "names", 100, 1_000_000,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(errors, true, StandardCharsets.UTF_8), () -> true);

        assertThat(r.sent()).isEqualTo(1);
        assertThat(read("names/", 1)).containsOnlyKeys("names/sub folder/IMG 0001 (2).png");
        assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s).startsWith("photo#1.png").contains("id would be refused", "'#'"));
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("photo#1.png");
        assertThatThrownBy(() -> ImageFolderLoader.load(kafka.bootstrapServers(), dir, "My Photos", 100, 1_000_000,
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), () -> true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("My Photos");
    }

    @Test
    void aPathThatIsNotAFolderIsRefused() {
        assertThatThrownBy(() -> ImageFolderLoader.imageFiles(Path.of("target/no-such-folder")))
                .hasMessageContaining("not a folder");
    }

    /** The samples in the raw topic whose key starts with {@code prefix}, failing on a duplicate. */
    static Map<String, RawSample> read(String prefix, int expected) {
        Map<String, RawSample> got = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "t-" + prefix, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.SAMPLES_RAW));
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.size() < expected && System.currentTimeMillis() < deadline) {
                collect(c.poll(Duration.ofMillis(500)), prefix, got);
            }
            // and nothing more
            collect(c.poll(Duration.ofSeconds(1)), prefix, got);
        }
        return got;
    }

    private static void collect(Iterable<ConsumerRecord<String, byte[]>> records, String prefix, Map<String, RawSample> got) {
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.key().startsWith(prefix)) {
                assertThat(got.put(r.key(), RawSample.decode(r.value()))).as("duplicate %s", r.key()).isNull();
            }
        }
    }
}
