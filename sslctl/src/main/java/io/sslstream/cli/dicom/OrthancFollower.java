package io.sslstream.cli.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Follows Orthanc's change feed ({@code GET /changes}) and streams every new instance into {@code ssl.samples.raw}, one
 * pseudonymised {@link RawSample} per frame, decoded by Orthanc ({@code /frames/{n}/numpy}).
 *
 * <p><b>Exactly once.</b> Each instance is one Kafka transaction: its frames (or its dead letter) and the cursor, the
 * change's sequence number, written to the compacted topic {@value #CURSOR_TOPIC} under the key
 * {@code orthanc/<name>}. A restart reads the last committed cursor and goes on after it: what was committed is not
 * sent again and what was not is sent, so a reader with {@code isolation.level=read_committed} (the augmenter) sees
 * every instance once, even across a {@code kill -9}. A producer that fails mid-instance aborts its transaction; the
 * transactional id ({@code sslctl-orthanc-<name>}) fences an older process that still runs.
 *
 * <p><b>Outages.</b> While Orthanc cannot be reached, or the broker refuses a transaction, the follower backs off
 * (1 s doubling to {@code maxBackoff}) and retries the same change: the cursor moves only with a committed instance.
 *
 * <p><b>Bad input.</b> An instance Orthanc stores but the platform cannot take (no pixel data, a transfer syntax
 * Orthanc cannot decode, more than 16 bits, absurd dimensions, a frame too large for a record, deleted before it was
 * read) becomes one dead letter on {@code ssl.samples.dlq} in the same transaction as the cursor, so the cursor never
 * sticks on it: key the instance's pseudonymous id ({@code <dataset>/<hmac>}), value empty (the DICOM file carries
 * patient data), headers reason ({@code dicom.*}), stage {@value #STAGE}, message and source
 * {@code orthanc/changes/<seq>} (what an operator looks up in Orthanc).
 *
 * <p><b>Pseudonymisation.</b> Only image attributes and pixels leave the tags Orthanc returns; the SOP Instance UID
 * becomes an HMAC ({@link DicomIds}); log lines and dead letters name change numbers and pseudonyms, never a value of
 * the instance; the source URI of every sample is empty.
 */
public final class OrthancFollower implements AutoCloseable {

    /** Compacted topic of connector cursors, keyed {@code orthanc/<name>}, value the last committed change number. */
    public static final String CURSOR_TOPIC = "ssl.connector.cursors";
    /** Dead-letter stage of the connector. */
    public static final String STAGE = "connector.orthanc";

    /**
     * @param name           connector name: its cursor key and transactional id (one process per name)
     * @param pageSize       changes read per request
     * @param pollInterval   wait when the feed is done
     * @param maxBackoff     longest wait between retries while Orthanc or the broker fails
     * @param maxRecordBytes largest record; a larger frame is dead-lettered
     */
    public record Settings(String name, int pageSize, Duration pollInterval, Duration maxBackoff, int maxRecordBytes) {

        public static Settings defaults(String name) {
            return new Settings(name, 100, Duration.ofSeconds(1), Duration.ofSeconds(30), 1_000_000);
        }
    }

    /** Counts since start. */
    public record Stats(long instances, long frames, long deadLetters, long retries) {
    }

    private final OrthancClient orthanc;
    private final DicomIds ids;
    private final Settings settings;
    private final PrintStream log;
    private final String bootstrap;
    private final String cursorKey;
    private KafkaProducer<String, byte[]> producer;
    private long cursor;
    private long instances;
    private long frames;
    private long deadLetters;
    private long retries;
    private long lastKnown;
    private long lastStatus = System.nanoTime();
    private final long started = System.nanoTime();

    public OrthancFollower(OrthancClient orthanc, String bootstrap, DicomIds ids, Settings settings, PrintStream log) {
        this.orthanc = orthanc;
        this.ids = ids;
        this.settings = settings;
        this.log = log;
        this.bootstrap = bootstrap;
        this.cursorKey = "orthanc/" + settings.name();
    }

    /** Creates the cursor topic if needed, fences any older process of this name, and reads the committed cursor. */
    public void start() throws InterruptedException {
        ensureCursorTopic();
        producer = newProducer();
        cursor = readCursor();
        log.printf("orthanc: following %s from change %d (connector %s, dataset %s)%n", orthanc.base(), cursor,
                settings.name(), ids.dataset());
    }

    /** The last committed change number. */
    public long cursor() {
        return cursor;
    }

    public Stats stats() {
        return new Stats(instances, frames, deadLetters, retries);
    }

    /** Follows the feed until {@code keepGoing} is false (checked between instances and while waiting). */
    public void run(BooleanSupplier keepGoing) throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        while (keepGoing.getAsBoolean()) {
            try {
                boolean done = pollOnce(keepGoing);
                backoff = Duration.ofSeconds(1);
                status(false);
                if (done) {
                    sleep(settings.pollInterval(), keepGoing);
                }
            } catch (IOException e) {
                retries++;
                log.printf("orthanc: %s unreachable or failing (%s); retrying change %d in %ds%n", orthanc.base(),
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), cursor + 1, backoff.toSeconds());
                sleep(backoff, keepGoing);
                backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
            } catch (ProducerFencedException e) {
                throw new IllegalStateException("another connector named '" + settings.name() + "' took over (its"
                        + " transactional id fenced this one); stopping", e);
            } catch (KafkaException e) {
                retries++;
                log.printf("orthanc: the broker refused the transaction of change %d (%s); retrying in %ds%n", cursor + 1,
                        e.getMessage(), backoff.toSeconds());
                resetProducer();
                sleep(backoff, keepGoing);
                backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
            }
        }
        status(true);
    }

    /**
     * Reads one page of changes after the cursor and commits each new instance in it; returns whether the feed is
     * done (nothing more to read now).
     *
     * @throws IOException while Orthanc cannot be reached (nothing after the cursor was committed)
     */
    public boolean pollOnce(BooleanSupplier keepGoing) throws IOException, InterruptedException {
        JsonNode page = orthanc.changes(cursor, settings.pageSize());
        long last = page.path("Last").asLong(cursor);
        lastKnown = Math.max(lastKnown, last);
        if (last < cursor) {
            log.printf("orthanc: the server's last change is %d, behind this connector's cursor %d: was its database"
                    + " replaced? Changes up to %d will not be read; reset the cursor (a new --name) to read them%n", last, cursor, cursor);
        }
        for (JsonNode change : page.path("Changes")) {
            if (!keepGoing.getAsBoolean()) {
                return false;
            }
            long seq = change.path("Seq").asLong();
            if (seq <= cursor) {
                continue;
            }
            if ("NewInstance".equals(change.path("ChangeType").asText())) {
                commitInstance(change.path("ID").asText(), seq);
            }
        }
        if (last > cursor && keepGoing.getAsBoolean()) {
            commit(List.of(), last); // changes of series, studies, patients: nothing to send, the cursor moves on
        }
        return page.path("Done").asBoolean(true);
    }

    /** One instance, one transaction: its frames or its dead letter, and the cursor at {@code seq}. */
    private void commitInstance(String instance, long seq) throws IOException, InterruptedException {
        producer.beginTransaction();
        boolean committed = false;
        try {
            int sent;
            try {
                sent = sendFrames(instance, seq);
                instances++;
                frames += sent;
            } catch (DicomException e) {
                producer.send(deadLetter(e, seq));
                deadLetters++;
                log.printf("orthanc: change %d dead-lettered: %s: %s%n", seq, e.reason(), e.getMessage());
            }
            producer.send(cursorRecord(seq));
            producer.commitTransaction();
            committed = true;
            cursor = seq;
        } finally {
            if (!committed) {
                abortQuietly();
            }
        }
    }

    /** The pseudonym of the instance being sent, for its dead letter's key; null before its UID is read. */
    private String currentPseudonym;

    private int sendFrames(String instance, long seq) throws IOException, InterruptedException, DicomException {
        currentPseudonym = null;
        JsonNode tags;
        try {
            tags = orthanc.tags(instance);
        } catch (OrthancClient.OrthancError e) {
            throw instanceError(e, DicomException.GONE, "its tags");
        }
        String uid = text(tags, "0008,0018");
        if (uid == null || uid.isBlank()) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, "no SOP Instance UID (0008,0018)");
        }
        currentPseudonym = ids.dataset() + "/" + ids.pseudonym(uid);
        if (!tags.has("7fe0,0010") && !tags.has("7FE0,0010") && text(tags, "0028,0010") == null) {
            throw new DicomException(DicomException.NO_PIXEL_DATA, "no pixel data (7FE0,0010): SOP class "
                    + Optional.ofNullable(text(tags, "0008,0016")).orElse("unknown"));
        }
        String photometric = Optional.ofNullable(text(tags, "0028,0004")).orElse("").trim();
        int spp = intOf(tags, "0028,0002", 1);
        if (spp == 3 && photometric.startsWith("YBR")) {
            photometric = "RGB"; // Orthanc's decoder converts YCbCr to RGB
        }
        int bitsAllocated = intOf(tags, "0028,0100", -1);
        DicomImage image = new DicomImage(uid.trim(), intOf(tags, "0028,0010", -1), intOf(tags, "0028,0011", -1),
                intOf(tags, "0028,0008", 1), spp, bitsAllocated, intOf(tags, "0028,0101", bitsAllocated),
                intOf(tags, "0028,0103", 0) == 1, photometric,
                DicomImage.firstNumber(text(tags, "0028,1053"), 1), DicomImage.firstNumber(text(tags, "0028,1052"), 0),
                DicomImage.firstNumber(text(tags, "0028,1050"), Double.NaN),
                DicomImage.firstNumber(text(tags, "0028,1051"), Double.NaN)).sanitized();
        image.check(settings.maxRecordBytes());
        for (int f = 0; f < image.frames(); f++) {
            byte[] body;
            try {
                body = orthanc.frameNumpy(instance, f);
            } catch (OrthancClient.OrthancError e) {
                if (e.status() == 404) {
                    throw new DicomException(DicomException.GONE, "frame " + f + " is gone: " + e.getMessage());
                }
                String syntax;
                try {
                    syntax = orthanc.transferSyntax(instance);
                } catch (OrthancClient.OrthancError e2) {
                    syntax = "unknown";
                }
                throw new DicomException(DicomException.UNDECODABLE, "Orthanc could not decode frame " + f + " ("
                        + e.getMessage() + "); transfer syntax " + syntax + " (" + DicomFile.syntaxName(syntax) + ")");
            }
            Npy npy;
            try {
                npy = Npy.parse(body);
            } catch (IllegalArgumentException e) {
                throw new DicomException(DicomException.UNSUPPORTED_PIXELS, "frame " + f + ": " + e.getMessage());
            }
            if (npy.shape()[0] != image.rows() || npy.shape()[1] != image.columns() || npy.shape()[2] != spp
                    || npy.sixteenBit() != (bitsAllocated == 16)) {
                throw new DicomException(DicomException.UNSUPPORTED_PIXELS, "frame " + f + " decoded as " + npy.dtype() + " "
                        + npy.shape()[0] + "x" + npy.shape()[1] + "x" + npy.shape()[2] + ", the tags say " + image.describe());
            }
            DicomImage frameImage = npy.sixteenBit() && npy.signed() != image.signed()
                    ? new DicomImage(image.sopInstanceUid(), image.rows(), image.columns(), image.frames(), spp, bitsAllocated,
                    image.bitsStored(), npy.signed(), image.photometric(), image.slope(), image.intercept(),
                    image.windowCenter(), image.windowWidth())
                    : image;
            String id = ids.sampleId(uid, f);
            RawSample s = npy.sixteenBit() ? frameImage.sample(id, ids.dataset(), null, npy.values16())
                    : frameImage.sample(id, ids.dataset(), npy.bytes8(), null);
            producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()));
        }
        return image.frames();
    }

    /** A 4xx or 500 about one instance is the instance's problem (a dead letter); an outage is thrown on. */
    private static DicomException instanceError(OrthancClient.OrthancError e, String reasonIf404, String what) throws IOException {
        if (e.status() == 404) {
            return new DicomException(reasonIf404, "Orthanc no longer has the instance (" + what + ": " + e.getMessage() + ")");
        }
        if (e.status() >= 400 && e.status() < 500 || e.status() == 500) {
            return new DicomException(DicomException.BAD_ATTRIBUTE, "Orthanc refused " + what + ": " + e.getMessage());
        }
        throw e;
    }

    private ProducerRecord<String, byte[]> deadLetter(DicomException e, long seq) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.SAMPLES_DLQ, currentPseudonym, new byte[0]);
        String message = e.getMessage().length() > 1000 ? e.getMessage().substring(0, 1000) : e.getMessage();
        r.headers().add(Topics.HEADER_DLQ_REASON, e.reason().getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_DLQ_STAGE, STAGE.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_DLQ_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Topics.HEADER_DLQ_SOURCE, ("orthanc/changes/" + seq).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private ProducerRecord<String, byte[]> cursorRecord(long seq) {
        return new ProducerRecord<>(CURSOR_TOPIC, 0, cursorKey, Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
    }

    private void commit(List<ProducerRecord<String, byte[]>> records, long seq) {
        producer.beginTransaction();
        boolean committed = false;
        try {
            records.forEach(producer::send);
            producer.send(cursorRecord(seq));
            producer.commitTransaction();
            committed = true;
            cursor = seq;
        } finally {
            if (!committed) {
                abortQuietly();
            }
        }
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            resetProducer();
        }
    }

    private void resetProducer() {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
            // a new one follows
        }
        producer = newProducer();
    }

    private KafkaProducer<String, byte[]> newProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sslctl-orthanc-" + settings.name());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sslctl-orthanc-" + settings.name());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions(); // fences an older process of this name and aborts what it left open
        return producer;
    }

    private long readCursor() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long value = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(CURSOR_TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the cursor topic " + CURSOR_TOPIC + " to its end in 2 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (cursorKey.equals(r.key()) && r.value() != null) {
                        value = Long.parseLong(new String(r.value(), StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        return value;
    }

    private void ensureCursorTopic() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(CURSOR_TOPIC, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                if (e.getCause() instanceof AuthorizationException) {
                    return; // created by the platform's manifests
                }
                throw new IllegalStateException("could not create " + CURSOR_TOPIC + ": " + e.getCause(), e.getCause());
            }
        }
    }

    private void status(boolean last) {
        long now = System.nanoTime();
        if (!last && now - lastStatus < Duration.ofSeconds(15).toNanos()) {
            return;
        }
        lastStatus = now;
        double secs = Math.max(1e-9, (now - started) / 1e9);
        log.printf(Locale.ROOT, "orthanc: change %d of %d, %,d instances (%,d frames, %.1f/s), %,d dead letters, %,d retries%n",
                cursor, lastKnown, instances, frames, instances / secs, deadLetters, retries);
    }

    private static String text(JsonNode tags, String tag) {
        JsonNode v = tags.get(tag);
        if (v == null) {
            v = tags.get(tag.toUpperCase(Locale.ROOT));
        }
        return v == null || !v.isTextual() ? null : v.asText();
    }

    private static int intOf(JsonNode tags, String tag, int fallback) throws DicomException {
        String v = text(tags, tag);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, "(" + tag + ") '" + v.trim() + "' is not an integer");
        }
    }

    private static void sleep(Duration d, BooleanSupplier keepGoing) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (keepGoing.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
