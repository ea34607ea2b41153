package io.sslstream.augmenter.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.augmenter.messaging.StreamFixture;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.service.rest.Problem;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.sslstream.augmenter.messaging.StreamFixture.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code POST /api/v1/samples} against the running service and a real broker: what is accepted comes out of the
 * stream as views; what is refused gets the right status and a problem document, and nothing is sent.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SampleResourceTest {

    static final String PATH = "/api/v1/samples";
    /** The augmenter's problem types (ssl.service.name). */
    static final String TYPE_PREFIX = "urn:sslstream:augmenter:problem:";
    static IdxFile images;

    /** Each test run posts under its own dataset, so that its samples are told apart from any earlier run's. */
    final String dataset = "rest-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void load() throws IOException {
        images = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "t10k", 20).images();
        StreamFixture.ensureTopics();
    }

    static byte[] png(int i) {
        return TestSamples.encode(gray(i), "png");
    }

    static BufferedImage gray(int i) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, images.item(i));
        return img;
    }

    @Test
    void postedImagesPixelsAndBatchesComeOutOfTheStreamAsViews() {
        List<String> ids = new ArrayList<>();
        ids.add(given().contentType("image/png").body(png(0)).queryParam("id", dataset + "/one.png").queryParam("dataset", dataset)
                .post(PATH).then().statusCode(202)
                .body("ids", equalTo(List.of(dataset + "/one.png"))).body("topic", equalTo(Topics.SAMPLES_RAW))
                .extract().<String>path("ids[0]"));

        // without an id, the id is the dataset and the SHA-256 of the bytes: posting again gives the same id
        byte[] jpeg = TestSamples.encode(gray(1), "jpeg");
        String jpegId = given().contentType("image/jpeg").body(jpeg).queryParam("dataset", dataset).post(PATH).then()
                .statusCode(202).extract().path("ids[0]");
        assertThat(jpegId).matches(dataset + "/[0-9a-f]{64}");
        given().contentType("image/jpeg").body(jpeg).queryParam("dataset", dataset).post(PATH).then()
                .statusCode(202).body("ids[0]", equalTo(jpegId));
        ids.add(jpegId);

        byte[] rgb = new byte[20 * 30 * 3];
        new SplittableRandom(1).nextBytes(rgb);
        ids.add(given().contentType("application/octet-stream").body(rgb)
                .queryParam("height", 20).queryParam("width", 30).queryParam("channels", 3).queryParam("dataset", dataset)
                .post(PATH).then().statusCode(202).extract().path("ids[0]"));

        List<String> batch = given().queryParam("dataset", dataset)
                .multiPart("file", "b/two.png", png(2), "image/png")
                .multiPart("file", "three.jpg", TestSamples.encode(gray(3), "jpeg"), "image/jpeg")
                .multiPart("file", "four.png", png(4), "application/octet-stream")
                .post(PATH).then().statusCode(202).extract().path("ids");
        assertThat(batch).containsExactly(dataset + "/b/two.png", dataset + "/three.jpg", dataset + "/four.png");
        ids.addAll(batch);

        Map<String, List<ConsumerRecord<String, byte[]>>> out = StreamFixture.consume(
                Map.of(Topics.views("simclr"), ids.size(), Topics.SAMPLES_RAW, ids.size() + 1),
                k -> k.startsWith(dataset + "/"), Duration.ofMinutes(1));

        List<ConsumerRecord<String, byte[]>> views = out.get(Topics.views("simclr"));
        assertThat(new HashSet<>(views.stream().map(ConsumerRecord::key).toList())).containsExactlyInAnyOrderElementsOf(ids);
        for (ConsumerRecord<String, byte[]> r : views) {
            // provenance: the view record names the dataset its sample was posted under
            assertThat(new String(r.headers().lastHeader(Topics.HEADER_DATASET).value(), StandardCharsets.UTF_8))
                    .as(r.key()).isEqualTo(dataset);
            View v = ViewSet.decode(r.value()).views().get(0);
            boolean isRgb = r.key().equals(ids.get(2));
            assertThat(new int[] {v.height(), v.width(), v.channels()}).as(r.key())
                    .containsExactly(isRgb ? 20 : 28, isRgb ? 30 : 28, isRgb ? 3 : 1);
        }
        RawSample posted = out.get(Topics.SAMPLES_RAW).stream().filter(r -> r.key().equals(ids.get(0)))
                .map(r -> RawSample.decode(r.value())).findFirst().orElseThrow();
        assertThat(posted.contentType()).isEqualTo("image/png");
        assertThat(posted.dataset()).isEqualTo(dataset);
        assertThat(new int[] {posted.height(), posted.width()}).containsExactly(28, 28);
        assertThat(posted.payload()).isEqualTo(png(0));
        assertThat(metric("ssl_augmenter_ingest_samples_total", "type=\"png\"")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void refusesUnsupportedContentTypesWith415() {
        problem(given().contentType("text/plain").body("hello").post(PATH), 415, "unsupported-media-type")
                .body("detail", containsString("image/png"));
        problem(given().contentType("image/gif").body(new byte[10]).post(PATH), 415, "unsupported-media-type");
        problem(given().multiPart("file", "a.txt", "hello".getBytes(), "text/plain").post(PATH), 415, "unsupported-media-type")
                .body("detail", containsString("a.txt"));
        problem(given().multiPart("file", "a.bin", new byte[] {1, 2, 3, 4}, "application/octet-stream").post(PATH), 415,
                "unsupported-media-type").body("detail", containsString("neither PNG nor JPEG"));
    }

    @Test
    void refusesOversizedBodiesAndImagesWith413() {
        // the test limit is 200,000 bytes (%test.ssl.augmenter.ingest.max-bytes)
        problem(given().contentType("image/png").body(new byte[250_000]).post(PATH), 413, "payload-too-large");
        problem(given().contentType("image/png").body(TestSamples.pngClaiming(30_000, 30_000)).post(PATH), 413, "image-too-large")
                .body("detail", containsString("30000x30000"));
        problem(given().contentType("application/octet-stream").body(new byte[10])
                .queryParam("height", 300).queryParam("width", 300).queryParam("channels", 3).post(PATH), 413, "payload-too-large");
        problem(given().contentType("application/octet-stream").body(new byte[10])
                .queryParam("height", 1).queryParam("width", 100_000).queryParam("channels", 1).post(PATH), 413, "image-too-large");
    }

    @Test
    void refusesGarbageAndMalformedRequestsWith400() {
        problem(given().contentType("image/png").body(new byte[] {1, 2, 3, 4, 5}).post(PATH), 400, "image-content-mismatch");
        // cut inside the header (a PNG cut after its header is accepted here and dead-lettered by the stream)
        byte[] cut = java.util.Arrays.copyOf(png(5), 20);
        problem(given().contentType("image/png").body(cut).post(PATH), 400, "image-truncated");
        problem(given().contentType("image/png").body(new byte[0]).post(PATH), 400, "empty-body");
        problem(given().contentType("application/octet-stream").body(new byte[10]).queryParam("height", 2).queryParam("width", 5)
                .post(PATH), 400, "missing-shape").body("detail", containsString("channels=null"));
        problem(given().contentType("application/octet-stream").body(new byte[10]).queryParam("height", 2).queryParam("width", 5)
                .queryParam("channels", 3).post(PATH), 400, "shape-mismatch");
        problem(given().contentType("application/octet-stream").body(new byte[20]).queryParam("height", 2).queryParam("width", 5)
                .queryParam("channels", 2).post(PATH), 400, "image-bad-channels");
        problem(given().contentType("application/octet-stream").body(new byte[0]).queryParam("height", 0).queryParam("width", 5)
                .queryParam("channels", 1).post(PATH), 400, "image-zero-dimension");
        problem(given().contentType("image/png").body(png(6)).queryParam("dataset", "no spaces").post(PATH), 400, "bad-dataset");
        problem(given().multiPart("file", "same.png", png(7), "image/png").multiPart("file", "same.png", png(8), "image/png")
                .post(PATH), 400, "duplicate-id");
        problem(given().multiPart("file", "good.png", png(9), "image/png").multiPart("file", "bad.png", new byte[] {9, 9, 9}, "image/png")
                .post(PATH), 400, "image-content-mismatch").body("detail", containsString("bad.png"));
        assertThat(metric("ssl_augmenter_ingest_rejected_total", "reason=\"duplicate-id\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void refusesSampleIdsAndDatasetNamesThatBreakTheRuleNamingIt() {
        problem(given().contentType("image/png").body(png(10)).queryParam("id", "../../etc/passwd").post(PATH), 400, "bad-id")
                .body("detail", containsString("segment '..'"));
        problem(given().contentType("image/png").body(png(10)).queryParam("id", "/etc/passwd").post(PATH), 400, "bad-id")
                .body("detail", containsString("empty segment"));
        problem(given().contentType("image/png").body(png(10)).queryParam("id", "a".repeat(600)).post(PATH), 400, "bad-id")
                .body("detail", containsString("more than 512 UTF-8 bytes"));
        problem(given().contentType("application/octet-stream").body(new byte[1]).queryParam("id", "line\nbreak")
                .queryParam("height", 1).queryParam("width", 1).queryParam("channels", 1).post(PATH), 400, "bad-id")
                .body("detail", containsString("control character"));
        // invalid UTF-8 (a lone lead byte, percent-encoded) is refused as such, not replaced
        problem(given().urlEncodingEnabled(false).contentType("image/png").body(png(10)).queryParam("id", "shop/a%C3%28b")
                .post(PATH), 400, "bad-id").body("detail", containsString("not valid UTF-8"));
        problem(given().urlEncodingEnabled(false).contentType("image/png").body(png(10)).queryParam("dataset", "x%FF")
                .post(PATH), 400, "bad-dataset").body("detail", containsString("not valid UTF-8"));
        problem(given().contentType("image/png").body(png(10)).queryParam("dataset", "../x y").post(PATH), 400, "bad-dataset")
                .body("detail", containsString("[A-Za-z0-9]"));
        // a batch part's id is <dataset>/<file name>: a file name that climbs out is refused, naming the part
        problem(given().queryParam("dataset", dataset).multiPart("file", "../../escape.png", png(11), "image/png").post(PATH),
                400, "bad-id").body("detail", containsString("part 1"));
        assertThat(metric("ssl_augmenter_ingest_rejected_total", "reason=\"bad-id\"")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void shapeParametersThatAreNotWholeNumbersAre400Not404() {
        problem(given().contentType("application/octet-stream").body(new byte[4]).queryParam("height", "99999999999")
                .queryParam("width", 2).queryParam("channels", 1).post(PATH), 400, "bad-shape")
                .body("detail", containsString("height '99999999999'"));
        problem(given().contentType("application/octet-stream").body(new byte[4]).queryParam("height", 2)
                .queryParam("width", "two").queryParam("channels", 1).post(PATH), 400, "bad-shape")
                .body("detail", containsString("width 'two'"));
    }

    @Test
    void mediaTypesAreCaseInsensitiveAndABodyWithoutOneIs415() throws Exception {
        given().contentType("IMAGE/PNG").body(png(12)).queryParam("dataset", dataset).post(PATH).then().statusCode(202)
                .body("ids[0]", startsWith(dataset + "/"));
        given().contentType("Image/Jpeg").body(TestSamples.encode(gray(13), "jpeg")).queryParam("dataset", dataset)
                .post(PATH).then().statusCode(202);
        given().contentType("Application/Octet-Stream").body(new byte[4]).queryParam("height", 2).queryParam("width", 2)
                .queryParam("channels", 1).queryParam("dataset", dataset).post(PATH).then().statusCode(202);

        // without a Content-Type (RestAssured always sends one; the JDK client does not)
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + io.restassured.RestAssured.port + PATH))
                .POST(HttpRequest.BodyPublishers.ofByteArray(png(14))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(none.body()).contains(TYPE_PREFIX + "unsupported-media-type", "no Content-Type", "image/png");
    }

    @Test
    void refusesAPngWhoseChunkCrcIsWrong() {
        problem(given().contentType("image/png").body(TestSamples.withBadCrc(png(15))).post(PATH), 400, "image-bad-crc")
                .body("detail", containsString("IDAT"));
        problem(given().multiPart("file", "ok.png", png(16), "image/png").multiPart("file", "damaged.png",
                TestSamples.withBadCrc(png(17)), "image/png").post(PATH), 400, "image-bad-crc")
                .body("detail", containsString("damaged.png"));
    }

    @Test
    void unknownPathsAndUnexpectedErrorsAreProblemsToo() {
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("type", equalTo("about:blank"))
                .body("title", equalTo("Not Found"))
                .body("status", equalTo(404))
                .body("instance", equalTo("/api/v1/nothing-here"));
        given().get(FailingResource.PATH).then().statusCode(500)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("type", equalTo(TYPE_PREFIX + "internal-error"))
                .body("detail", org.hamcrest.Matchers.matchesPattern(
                        "the augmenter failed \\(IllegalStateException\\); error id [0-9a-f-]{36}"));
    }

    static ValidatableResponse problem(io.restassured.response.Response r, int status, String type) {
        return r.then().statusCode(status)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("type", equalTo(TYPE_PREFIX + type))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue())
                .body("instance", equalTo(PATH));
    }
}
