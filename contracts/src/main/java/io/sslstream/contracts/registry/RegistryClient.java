package io.sslstream.contracts.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A small client of the registry's REST API ({@code /api/v1}) on the JDK's HTTP client, shared by the
 * trainer (uploads) and the evaluator (downloads, results). Weights stream from and to files: nothing
 * is held in memory. Errors are {@link RegistryException}s carrying the registry's problem detail.
 */
public final class RegistryClient {

    private static final String API = "/api/v1";

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl e.g. {@code http://localhost:8081}
     * @param token   bearer token, or {@code null} for none
     * @param timeout per-request timeout (uploads and downloads of large blobs need a generous one)
     */
    public RegistryClient(URI baseUrl, String token, Duration timeout) {
        String s = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.token = token == null || token.isBlank() ? null : token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI baseUrl() {
        return base;
    }

    /** Uploads a file as a content-addressed blob; the registry verifies {@code sha256} while it streams. */
    public BlobInfo putBlob(Path file, String sha256) {
        try {
            HttpRequest req = request(API + "/blobs/sha256/" + sha256)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
            return Json.MAPPER.readValue(send(req).body(), BlobInfo.class);
        } catch (IOException e) {
            throw new RegistryException(0, "cannot upload " + file + " to " + base + ": " + e);
        }
    }

    /**
     * Creates the next version of {@code model} with no idempotency key: a retry after a lost response creates
     * another version. Uploaders that retry should use {@link #createVersion(String, CreateVersionRequest, String)}.
     */
    public ModelVersion createVersion(String model, CreateVersionRequest body) {
        return createVersion(model, body, null);
    }

    /**
     * Creates the next version of {@code model}, or returns the version an earlier call with the same
     * {@code idempotencyKey} created. The key travels as the {@value IdempotencyKey#HEADER} header; the registry keeps
     * it with the version, so a call retried after any failure (a timeout, the registry dying after its commit and
     * before its answer, this process dying before it recorded the answer) gets that same version back, with no new
     * version number and no second {@code CheckpointPublished} event. Reusing a key for other content (another weights
     * digest or manifest) fails with a {@link RegistryException} of status 422 naming the key and the version that
     * holds it.
     *
     * <p>The trainer uses {@link IdempotencyKey#forCheckpoint IdempotencyKey.forCheckpoint(manifest.runId(),
     * manifest.step(), sha256 of the archive)}: the same checkpoint archive always maps to the same key, whether the
     * retry comes from the same process or from a restarted one re-reading its spool.
     *
     * @param idempotencyKey a {@linkplain IdempotencyKey#isValid valid} key, or {@code null} for none (every call
     *                       creates a version)
     * @throws IllegalArgumentException if the key is not valid (nothing is sent)
     */
    public ModelVersion createVersion(String model, CreateVersionRequest body, String idempotencyKey) {
        HttpRequest.Builder b = request(API + "/models/" + enc(model) + "/versions")
                .header("Content-Type", "application/json");
        if (idempotencyKey != null) {
            b.header(IdempotencyKey.HEADER, IdempotencyKey.toHeaderValue(idempotencyKey));
        }
        HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
        return readJson(send(req).body(), ModelVersion.class);
    }

    public ModelVersion getVersion(String model, int version) {
        return readJson(send(request(API + "/models/" + enc(model) + "/versions/" + version).GET().build()).body(),
                ModelVersion.class);
    }

    /** One page of a model's versions, newest first. */
    public Page<ModelVersion> listVersions(String model, int offset, int limit) {
        byte[] body = send(request(API + "/models/" + enc(model) + "/versions?offset=" + offset + "&limit=" + limit)
                .GET().build()).body();
        return readJson(body, new TypeReference<>() {
        });
    }

    /**
     * Every version of a model, newest first, read page by page; empty if the model has none yet (the registry answers
     * 404 for a model before its first version).
     */
    public List<ModelVersion> allVersions(String model) {
        List<ModelVersion> all = new ArrayList<>();
        try {
            for (int offset = 0; ; ) {
                Page<ModelVersion> page = listVersions(model, offset, 100);
                all.addAll(page.items());
                offset += page.items().size();
                if (page.items().isEmpty() || offset >= page.total()) {
                    return all;
                }
            }
        } catch (RegistryException e) {
            if (e.status() == 404 && all.isEmpty()) {
                return all;
            }
            throw e;
        }
    }

    /** Versions matching a query (run, method, tag), ordered by creation, step or an evaluation metric. */
    public Page<ModelVersion> findVersions(String model, VersionQuery query) {
        byte[] body = send(request(API + "/models/" + enc(model) + "/versions?" + query.toQueryString()).GET().build()).body();
        return readJson(body, new TypeReference<>() {
        });
    }

    /** The version an alias points to ({@code latest}, {@code champion}, ...), or empty if the alias is not set. */
    public Optional<ModelVersion> alias(String model, String alias) {
        try {
            return Optional.of(readJson(send(request(API + "/models/" + enc(model) + "/aliases/" + enc(alias)).GET().build()).body(),
                    ModelVersion.class));
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Points an alias at a version ({@code latest} moves by itself and cannot be set); returns that version. */
    public ModelVersion setAlias(String model, String alias, int version) {
        HttpRequest req = request(API + "/models/" + enc(model) + "/aliases/" + enc(alias))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"version\":" + version + "}"))
                .build();
        return readJson(send(req).body(), ModelVersion.class);
    }

    /** True if the registry already stores a blob with this digest (then an upload can be skipped). */
    public boolean hasBlob(String sha256) {
        try {
            send(request(API + "/blobs/sha256/" + sha256).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            return true;
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Downloads a version's weights to {@code target} (written to a sibling temp file, then moved). */
    public void downloadWeights(String model, int version, Path target) {
        download(API + "/models/" + enc(model) + "/versions/" + version + "/weights", target);
    }

    public void downloadBlob(String sha256, Path target) {
        download(API + "/blobs/sha256/" + sha256, target);
    }

    /** Stores an evaluation with its version; posting the same event id twice stores it once. */
    public void addEvaluation(String model, int version, EvaluationCompleted evaluation) {
        HttpRequest req = request(API + "/models/" + enc(model) + "/versions/" + version + "/evaluations")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(evaluation)))
                .build();
        send(req);
    }

    private void download(String path, Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<Path> res = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
            if (res.statusCode() / 100 != 2) {
                String detail = Files.readString(tmp);
                Files.deleteIfExists(tmp);
                throw new RegistryException(res.statusCode(), "GET " + path + ": " + problemDetail(detail.getBytes(StandardCharsets.UTF_8)));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new RegistryException(0, "GET " + base + path + " failed: " + e);
        } catch (InterruptedException e) {
            deleteQuietly(tmp);
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted during GET " + path);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the caller already gets the original failure
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest req) {
        try {
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() / 100 != 2) {
                throw new RegistryException(res.statusCode(),
                        req.method() + " " + req.uri().getPath() + ": " + res.statusCode() + " " + problemDetail(res.body()));
            }
            return res;
        } catch (ConnectException e) {
            throw new RegistryException(0, "registry unreachable at " + base + ": " + e.getMessage());
        } catch (IOException e) {
            throw new RegistryException(0, req.method() + " " + req.uri() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted during " + req.method() + " " + req.uri());
        }
    }

    private static String problemDetail(byte[] body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && n.hasNonNull("detail")) {
                return n.get("detail").asText();
            }
        } catch (IOException ignored) {
            // not JSON: fall through to the raw text
        }
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static <T> T readJson(byte[] body, Class<T> type) {
        return Json.read(body, type);
    }

    private static <T> T readJson(byte[] body, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed registry response: " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
