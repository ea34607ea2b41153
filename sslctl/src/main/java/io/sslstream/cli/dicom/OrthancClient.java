package io.sslstream.cli.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.events.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The few calls of Orthanc's REST API the connector makes (JDK HTTP). A failure to reach Orthanc is an
 * {@link IOException} (the caller backs off); an answer it did not expect is an {@link OrthancError} with its status
 * and Orthanc's error name, never its free-text details (which could quote an instance's content).
 */
public final class OrthancClient {

    /** An unexpected answer of Orthanc: the HTTP status and Orthanc's error name ({@code OrthancError}). */
    public static final class OrthancError extends IOException {
        private final int status;

        OrthancError(String what, int status, String orthancError) {
            super(what + ": HTTP " + status + (orthancError.isEmpty() ? "" : " (" + orthancError + ")"));
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final URI base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt: Orthanc speaks HTTP/1.1
            .build();

    /**
     * @param base     e.g. {@code http://localhost:8042}
     * @param user     HTTP basic user, or null
     * @param password its password
     */
    public OrthancClient(URI base, String user, String password) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public URI base() {
        return base;
    }

    /** {@code GET /system}: Orthanc's name and version. */
    public JsonNode system() throws IOException, InterruptedException {
        return json("system", "/system");
    }

    /** {@code GET /changes?since=&limit=}: the change feed after {@code since}. */
    public JsonNode changes(long since, int limit) throws IOException, InterruptedException {
        return json("changes", "changes?since=" + since + "&limit=" + limit);
    }

    /** {@code GET /instances/{id}/tags?short}: the instance's elements by tag ({@code "0028,0010"}). */
    public JsonNode tags(String instance) throws IOException, InterruptedException {
        return json("the instance's tags", "instances/" + instance + "/tags?short");
    }

    /** {@code GET /instances/{id}/metadata/TransferSyntax}. */
    public String transferSyntax(String instance) throws IOException, InterruptedException {
        return new String(get("the instance's transfer syntax", "instances/" + instance + "/metadata/TransferSyntax"),
                java.nio.charset.StandardCharsets.US_ASCII).trim();
    }

    /** {@code GET /instances/{id}/frames/{n}/numpy?rescale=false}: one frame's stored values, decoded by Orthanc. */
    byte[] frameNumpy(String instance, int frame) throws IOException, InterruptedException {
        return get("frame " + frame, "instances/" + instance + "/frames/" + frame + "/numpy?rescale=false");
    }

    /** {@code POST /instances}: stores a DICOM file; returns Orthanc's answer (its id and status). */
    public JsonNode upload(byte[] dicom) throws IOException, InterruptedException {
        HttpRequest.Builder b = request("instances").POST(HttpRequest.BodyPublishers.ofByteArray(dicom))
                .header("Content-Type", "application/dicom");
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw error("upload", r);
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** Uploads a file. */
    public JsonNode upload(Path file) throws IOException, InterruptedException {
        return upload(Files.readAllBytes(file));
    }

    private JsonNode json(String what, String path) throws IOException, InterruptedException {
        return Json.MAPPER.readTree(get(what, path));
    }

    private byte[] get(String what, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw error(what, r);
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private static OrthancError error(String what, HttpResponse<byte[]> r) {
        String name = "";
        try {
            name = Json.MAPPER.readTree(r.body()).path("OrthancError").asText("");
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the status says enough
        }
        return new OrthancError(what, r.statusCode(), name);
    }
}
