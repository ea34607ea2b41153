package io.sslstream.registry.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import io.sslstream.registry.config.RegistryConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class BlobApiTest {

    @Inject
    RegistryConfig config;

    @TestHTTPResource("/")
    URI base;

    @Test
    void uploadThenDownloadReturnsTheSameBytes() {
        byte[] bytes = TestData.randomBytes(300_000, 11);
        String sha = Sha256.of(bytes);

        given().contentType(ContentType.BINARY).body(bytes)
                .when().put("/api/v1/blobs/sha256/" + sha)
                .then().statusCode(201)
                .body("sha256", equalTo(sha)).body("size", equalTo(bytes.length));

        Response download = given().when().get("/api/v1/blobs/sha256/" + sha);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(download.header("Content-Length")).isEqualTo(Integer.toString(bytes.length));
        assertThat(download.header("ETag")).isEqualTo("\"" + sha + "\"");
        assertThat(Sha256.of(download.asByteArray())).isEqualTo(sha);
    }

    @Test
    void reUploadOfStoredContentIsOkAndStoresNothingNew() throws IOException {
        byte[] bytes = TestData.randomBytes(5000, 12);
        String sha = TestData.uploadBlob(bytes);
        Path file = blobFile(sha);
        var modified = Files.getLastModifiedTime(file);

        given().contentType(ContentType.BINARY).body(bytes)
                .when().put("/api/v1/blobs/sha256/" + sha)
                .then().statusCode(200).body("sha256", equalTo(sha));

        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
        assertThat(files(tmpDir())).isEmpty();
    }

    @Test
    void mismatchedDigestIs400AndLeavesNoFile() {
        byte[] bytes = TestData.randomBytes(70_000, 13);
        String declared = Sha256.of("something else".getBytes());

        given().contentType(ContentType.BINARY).body(bytes)
                .when().put("/api/v1/blobs/sha256/" + declared)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:digest-mismatch"))
                .body("status", equalTo(400))
                .body("detail", containsString(declared))
                .body("detail", containsString(Sha256.of(bytes)));

        assertThat(Files.exists(blobFile(declared))).isFalse();
        assertThat(Files.exists(blobFile(Sha256.of(bytes)))).isFalse();
        assertThat(files(tmpDir())).isEmpty();
    }

    @Test
    void malformedDigestIs400() {
        for (String bad : List.of("abc", "A".repeat(64), "g".repeat(64))) {
            given().contentType(ContentType.BINARY).body(new byte[]{1, 2, 3})
                    .when().put("/api/v1/blobs/sha256/" + bad)
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:sslstream:registry:problem:invalid-digest"))
                    .body("detail", containsString(bad));
        }
    }

    @Test
    void unknownBlobIs404() {
        given().when().get("/api/v1/blobs/sha256/" + "0".repeat(64))
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("0".repeat(64)));
    }

    @Test
    void matchingETagGives304() {
        String sha = TestData.uploadBlob(TestData.randomBytes(1000, 14));

        given().header("If-None-Match", "\"" + sha + "\"")
                .when().get("/api/v1/blobs/sha256/" + sha)
                .then().statusCode(304);
    }

    @Test
    void declaredOversizedUploadIs413() throws Exception {
        byte[] bytes = new byte[(int) config.maxUploadBytes().asLongValue() + 1];

        HttpResponse<String> res = send(HttpRequest.BodyPublishers.ofByteArray(bytes), Sha256.of(bytes));

        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(res.body()).contains("Content-Length " + bytes.length);
        assertThat(files(tmpDir())).isEmpty();
    }

    @Test
    void chunkedOversizedUploadIs413WhileStreaming() throws Exception {
        byte[] bytes = new byte[(int) config.maxUploadBytes().asLongValue() + 100_000];
        // an InputStream publisher has no length: the body goes chunked, so only the streaming count can stop it
        HttpResponse<String> res = send(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                Sha256.of(bytes));

        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(res.body()).contains("upload limit");
        assertThat(files(tmpDir())).isEmpty();
    }

    @Test
    void rangesAreServedAs206WithContentRange() {
        byte[] bytes = TestData.randomBytes(10_000, 15);
        String sha = TestData.uploadBlob(bytes);
        String path = "/api/v1/blobs/sha256/" + sha;

        Response first = given().header("Range", "bytes=0-99").when().get(path);
        Response tail = given().header("Range", "bytes=9990-").when().get(path);
        Response suffix = given().header("Range", "bytes=-5").when().get(path);
        Response clipped = given().header("Range", "bytes=9000-20000").when().get(path);

        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.header("Content-Range")).isEqualTo("bytes 0-99/10000");
        assertThat(first.header("Content-Length")).isEqualTo("100");
        assertThat(first.asByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 0, 100));
        assertThat(tail.header("Content-Range")).isEqualTo("bytes 9990-9999/10000");
        assertThat(tail.asByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 9990, 10_000));
        assertThat(suffix.asByteArray()).isEqualTo(Arrays.copyOfRange(bytes, 9995, 10_000));
        assertThat(clipped.header("Content-Range")).isEqualTo("bytes 9000-9999/10000");
        assertThat(clipped.asByteArray()).hasSize(1000);
    }

    @Test
    void unsatisfiableOrMalformedRangesAre416() {
        String sha = TestData.uploadBlob(TestData.randomBytes(10_000, 16));

        for (String range : List.of("bytes=10000-", "bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=-0", "bytes=-")) {
            given().header("Range", range).when().get("/api/v1/blobs/sha256/" + sha)
                    .then().statusCode(416)
                    .header("Content-Range", "bytes */10000")
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:sslstream:registry:problem:range-not-satisfiable"));
        }
    }

    @Test
    void ifRangeWithAnotherTagGetsTheWholeBlob() {
        byte[] bytes = TestData.randomBytes(3000, 17);
        String sha = TestData.uploadBlob(bytes);

        Response other = given().header("Range", "bytes=0-9").header("If-Range", "\"other\"")
                .when().get("/api/v1/blobs/sha256/" + sha);
        Response same = given().header("Range", "bytes=0-9").header("If-Range", "\"" + sha + "\"")
                .when().get("/api/v1/blobs/sha256/" + sha);

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.asByteArray()).isEqualTo(bytes);
        assertThat(other.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(same.statusCode()).isEqualTo(206);
        assertThat(same.asByteArray()).hasSize(10);
    }

    @Test
    void headTellsWhetherABlobIsStored() {
        byte[] bytes = TestData.randomBytes(1234, 18);
        String sha = TestData.uploadBlob(bytes);

        Response head = given().when().head("/api/v1/blobs/sha256/" + sha);

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.header("Content-Length")).isEqualTo("1234");
        assertThat(head.header("ETag")).isEqualTo("\"" + sha + "\"");
        assertThat(head.asByteArray()).isEmpty();
        given().when().head("/api/v1/blobs/sha256/" + "1".repeat(64)).then().statusCode(404);
        given().when().head("/api/v1/blobs/sha256/xyz").then().statusCode(400);
    }

    private HttpResponse<String> send(HttpRequest.BodyPublisher body, String sha) throws Exception {
        HttpRequest put = HttpRequest.newBuilder(base.resolve("/api/v1/blobs/sha256/" + sha))
                .header("Content-Type", "application/octet-stream")
                .PUT(body)
                .build();
        return HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
    }

    private Path blobFile(String sha) {
        return config.dataDir().resolve("blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
    }

    private Path tmpDir() {
        return config.dataDir().resolve("tmp");
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
