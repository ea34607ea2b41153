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
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawSampleLoaderTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");

    @Test
    void streamsEveryImageOnceWithItsPixelsAndShowsProgress() throws Exception {
        Path images = FashionMnist.file(SUBSET, "train-images-idx3-ubyte");
        IdxFile idx = IdxFile.read(images, 300);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (InProcessKafka kafka = InProcessKafka.start()) {
            long n = RawSampleLoader.load(kafka.bootstrapServers(), images, "fashion-mnist", "train", 300,
                    new PrintStream(progress, true, StandardCharsets.UTF_8), () -> true);
            assertThat(n).isEqualTo(300);

            Map<String, RawSample> got = new HashMap<>();
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "t", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(Topics.SAMPLES_RAW));
                long deadline = System.currentTimeMillis() + 30_000;
                while (got.size() < 300 && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        assertThat(got.put(r.key(), RawSample.decode(r.value()))).as("duplicate %s", r.key()).isNull();
                    }
                }
            }
            assertThat(got).hasSize(300);
            RawSample s = got.get("fashion-mnist/train/123");
            assertThat(s.sampleId()).isEqualTo("fashion-mnist/train/123");
            assertThat(s.isRawPixels()).isTrue();
            assertThat(s.payload()).isEqualTo(idx.item(123));
            assertThat(s.height()).isEqualTo(28);
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("300/300", "100.0%", "ETA");
    }

    @Test
    void aFileThatIsNotImagesIsRefused() {
        Path labels = SUBSET.resolve("train-labels-idx1-ubyte.gz");
        assertThatThrownBy(() -> RawSampleLoader.load("localhost:1", labels, "d", "train", 10, System.out, () -> true))
                .hasMessageContaining("expected images");
    }
}
