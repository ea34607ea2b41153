package io.sslstream.augmenter.messaging;

import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.contracts.Topics;
import io.sslstream.kafka.TopicAdmin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Producing to and reading from the test broker, shared by the stream tests. The tests of this module share one
 * broker and one running service, so each test keys its records with its own prefix, reads only those back, and
 * compares metrics as differences.
 */
public final class StreamFixture {

    /** The view topics of the recipes the tests run ({@code %test.ssl.augmenter.active}). */
    public static final List<String> VIEW_TOPICS = List.of(Topics.views(Recipes.SIMCLR), Topics.views(Recipes.BYOL),
            Topics.views(Recipes.MULTICROP), Topics.views(Recipes.MAE));

    private StreamFixture() {
    }

    public static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    public static void ensureTopics() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(Topics.SAMPLES_RAW, 1);
        topics.put(Topics.SAMPLES_DLQ, 1);
        VIEW_TOPICS.forEach(t -> topics.put(t, 1));
        TopicAdmin.ensureTopics(bootstrap(), topics);
    }

    /** Sends every record (null values are tombstones) and waits until the broker stored all of them. */
    public static void produce(List<Map.Entry<String, byte[]>> records) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                sends.add(producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, r.getKey(), r.getValue())));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Reads {@code expected.keySet()} from the start until each topic holds its expected number of records whose key
     * passes {@code keys}, then a little longer, to catch extra records; returns those records by topic.
     */
    public static Map<String, List<ConsumerRecord<String, byte[]>>> consume(Map<String, Integer> expected, Predicate<String> keys,
                                                                    Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, List<ConsumerRecord<String, byte[]>>> byTopic = new LinkedHashMap<>();
        expected.keySet().forEach(t -> byTopic.put(t, new ArrayList<>()));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(byTopic.keySet());
            await().atMost(timeout).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                poll(consumer, Duration.ofMillis(500), keys, byTopic);
                return expected.entrySet().stream().allMatch(e -> byTopic.get(e.getKey()).size() >= e.getValue());
            });
            poll(consumer, Duration.ofSeconds(1), keys, byTopic);
        }
        return byTopic;
    }

    private static void poll(KafkaConsumer<String, byte[]> consumer, Duration d, Predicate<String> keys,
                             Map<String, List<ConsumerRecord<String, byte[]>>> byTopic) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(d)) {
            if (r.key() != null && keys.test(r.key())) {
                byTopic.get(r.topic()).add(r);
            }
        }
    }

    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The sum of every series of a Prometheus metric whose labels contain {@code labelFilter} (0 if none yet). */
    public static double metric(String name, String labelFilter) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelFilter)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    public static double metric(String name) {
        return metric(name, "");
    }
}
