package io.sslstream.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.BlobInfo;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Sha256;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the registry on the JDK's HTTP server, speaking the subset of {@code /api/v1} that
 * {@code RegistryClient} uses: blobs, versions, weights, evaluations (kept with their version and returned by
 * {@code GET version}, so that the evaluator's duplicate check sees them) and aliases. Unlike the real registry it
 * lets a version point at a blob it does not hold (to test a 404 on the weights), and {@code GET alias} answers the
 * version without its evaluations, so that the evaluator's re-read of the champion is exercised.
 *
 * <p>Tests in the application's JVM drive it over HTTP only ({@code RegistryClient} to fill it, {@code /_fake/*} to
 * inject faults and read counters), so that nothing depends on which class loader runs the test and which runs this
 * server. A test that runs the evaluator as a process of its own can also take it away altogether: {@link #goDown()}
 * closes its port (connections refused, as when the registry is not running), {@link #comeBack()} listens on the same
 * port again with everything it held.
 */
final class FakeRegistry implements AutoCloseable {

    private static final Pattern VERSIONS = Pattern.compile("/api/v1/models/([^/]+)/versions");
    private static final Pattern VERSION = Pattern.compile("/api/v1/models/([^/]+)/versions/(\\d+)(/weights|/evaluations)?");
    private static final Pattern ALIAS = Pattern.compile("/api/v1/models/([^/]+)/aliases/([^/]+)");
    private static final Pattern BLOB = Pattern.compile("/api/v1/blobs/sha256/([0-9a-f]{64})");

    private record Fault(String method, String path, int status, AtomicInteger remaining) {
    }

    private final int port;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private volatile HttpServer server;
    private volatile boolean down;
    private volatile Fault outageTrigger;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, ModelVersion> versions = new ConcurrentHashMap<>();
    private final Map<String, List<EvaluationCompleted>> evaluations = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger faultsServed = new AtomicInteger();
    private final AtomicInteger evaluationPosts = new AtomicInteger();
    private final Map<String, Integer> aliases = new ConcurrentHashMap<>();
    private final AtomicInteger aliasPuts = new AtomicInteger();

    private FakeRegistry() throws IOException {
        server = listen(0);
        port = server.getAddress().getPort();
    }

    private HttpServer listen(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        s.createContext("/", this::handle);
        s.setExecutor(executor);
        s.start();
        return s;
    }

    /** Stops listening: from now on connections are refused, until {@link #comeBack()}. */
    synchronized void goDown() {
        down = true;
        server.stop(0);
    }

    /** Listens again on the same port, with the blobs, versions, evaluations and aliases it held. */
    synchronized void comeBack() {
        if (!down) {
            return;
        }
        try {
            server = listen(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port + " again", e);
        }
        down = false;
    }

    /**
     * The next {@code method path} request is dropped unanswered (the connection closed, nothing stored) and the
     * registry {@linkplain #goDown() goes down} with it, as if its process died while the request came in.
     */
    void goDownOn(String method, String path) {
        outageTrigger = new Fault(method, path, 0, new AtomicInteger(1));
    }

    boolean isDown() {
        return down;
    }

    int evaluationPosts() {
        return evaluationPosts.get();
    }

    /** Evaluations stored with a version. */
    List<EvaluationCompleted> evaluations(String model, int version) {
        return List.copyOf(evaluations.getOrDefault(model + "/" + version, List.of()));
    }

    static FakeRegistry start() {
        try {
            return new FakeRegistry();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake registry", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            Fault trigger = outageTrigger;
            if (trigger != null && trigger.method().equals(method) && trigger.path().equals(path)
                    && trigger.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                down = true;
                new Thread(this::goDown, "fake-registry-outage").start(); // not on the server's own thread
            }
            if (down) {
                countLostEvaluationPost(method, path);
                return; // closed in finally without an answer: the client sees the connection end
            }
            if (path.startsWith("/_fake/")) {
                fakeControl(ex, method, path);
                return;
            }
            for (Fault f : faults) {
                if (f.method().equals(method) && f.path().equals(path) && f.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    faultsServed.incrementAndGet();
                    problem(ex, f.status(), "injected fault");
                    return;
                }
            }
            Matcher m;
            if ((m = BLOB.matcher(path)).matches() && method.equals("PUT")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (!Sha256.of(body).equals(m.group(1))) {
                    problem(ex, 422, "digest mismatch");
                    return;
                }
                blobs.put(m.group(1), body);
                json(ex, 201, new BlobInfo(m.group(1), body.length));
            } else if ((m = ALIAS.matcher(path)).matches()) {
                alias(ex, method, decode(m.group(1)), decode(m.group(2)));
            } else if ((m = VERSIONS.matcher(path)).matches() && method.equals("POST")) {
                createVersion(ex, decode(m.group(1)));
            } else if ((m = VERSION.matcher(path)).matches()) {
                String key = decode(m.group(1)) + "/" + m.group(2);
                ModelVersion v = versions.get(key);
                if (v == null) {
                    problem(ex, 404, "no version " + m.group(2) + " of model " + decode(m.group(1)));
                } else if (m.group(3) == null && method.equals("GET")) {
                    json(ex, 200, withEvaluations(v));
                } else if ("/weights".equals(m.group(3)) && method.equals("GET")) {
                    byte[] blob = blobs.get(v.weightsSha256());
                    if (blob == null) {
                        problem(ex, 404, "no blob " + v.weightsSha256());
                        return;
                    }
                    ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
                    ex.sendResponseHeaders(200, blob.length);
                    ex.getResponseBody().write(blob);
                } else if ("/evaluations".equals(m.group(3)) && method.equals("POST")) {
                    evaluationPosts.incrementAndGet();
                    EvaluationCompleted e = Json.read(ex.getRequestBody().readAllBytes(), EvaluationCompleted.class);
                    List<EvaluationCompleted> list = evaluations.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
                    boolean known = list.stream().anyMatch(x -> x.eventId().equals(e.eventId()));
                    if (!known) {
                        list.add(e);
                    }
                    ex.sendResponseHeaders(known ? 200 : 201, -1);
                } else {
                    problem(ex, 405, method + " " + path);
                }
            } else {
                problem(ex, 404, "no route " + method + " " + path);
            }
        } catch (RuntimeException e) {
            problem(ex, 500, e.toString());
        } finally {
            ex.close();
        }
    }

    private synchronized void createVersion(HttpExchange ex, String model) throws IOException {
        CreateVersionRequest req = Json.read(ex.getRequestBody().readAllBytes(), CreateVersionRequest.class);
        int next = 1 + (int) versions.keySet().stream().filter(k -> k.startsWith(model + "/")).count();
        byte[] blob = blobs.get(req.weightsSha256());
        ModelVersion v = new ModelVersion(model, next, req.manifest().runId(), req.manifest().method(),
                req.manifest().architecture().name(), req.manifest().step(), req.manifest().samplesSeen(), null,
                req.weightsSha256(), blob == null ? 0 : blob.length, Instant.now(), List.of(), req.tags(), req.manifest(),
                List.of());
        versions.put(model + "/" + next, v);
        json(ex, 201, v);
    }

    private void alias(HttpExchange ex, String method, String model, String alias) throws IOException {
        String key = model + "/" + alias;
        if (method.equals("GET")) {
            Integer version = aliases.get(key);
            if (version == null) {
                problem(ex, 404, "alias " + alias + " of model " + model + " is not set");
            } else {
                json(ex, 200, versions.get(model + "/" + version));
            }
        } else if (method.equals("PUT")) {
            aliasPuts.incrementAndGet();
            int version = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes()).get("version").asInt();
            ModelVersion v = versions.get(model + "/" + version);
            if (v == null) {
                problem(ex, 404, "no version " + version + " of model " + model);
                return;
            }
            aliases.put(key, version);
            json(ex, 200, withEvaluations(v));
        } else {
            problem(ex, 405, method + " alias");
        }
    }

    private ModelVersion withEvaluations(ModelVersion v) {
        List<EvaluationCompleted> list = evaluations.getOrDefault(v.model() + "/" + v.version(), List.of());
        return new ModelVersion(v.model(), v.version(), v.runId(), v.method(), v.architecture(), v.step(), v.samplesSeen(),
                v.loss(), v.weightsSha256(), v.weightsSize(), v.createdAt(), v.aliases(), v.tags(), v.manifest(), list);
    }

    /**
     * {@code POST /_fake/faults?method=GET&path=/api/v1/...&status=503&times=2}: the next {@code times} matching
     * requests get {@code status}. {@code GET /_fake/stats}: counters.
     */
    private void fakeControl(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/_fake/faults") && method.equals("POST")) {
            Map<String, String> q = query(ex.getRequestURI());
            faults.add(new Fault(q.get("method"), q.get("path"), Integer.parseInt(q.get("status")),
                    new AtomicInteger(Integer.parseInt(q.get("times")))));
            ex.sendResponseHeaders(204, -1);
        } else if (path.equals("/_fake/stats") && method.equals("GET")) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("faultsServed", faultsServed.get());
            n.put("evaluationPosts", evaluationPosts.get());
            n.put("aliasPuts", aliasPuts.get());
            json(ex, 200, n);
        } else {
            problem(ex, 404, "no route " + method + " " + path);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String kv : uri.getRawQuery().split("&")) {
            int i = kv.indexOf('=');
            q.put(decode(kv.substring(0, i)), decode(kv.substring(i + 1)));
        }
        return q;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void problem(HttpExchange ex, int status, String detail) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("status", status);
        n.put("detail", detail);
        byte[] bytes = Json.write(n);
        ex.getResponseHeaders().add("Content-Type", "application/problem+json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void countLostEvaluationPost(String method, String path) {
        Matcher m = VERSION.matcher(path);
        if (method.equals("POST") && m.matches() && "/evaluations".equals(m.group(3))) {
            evaluationPosts.incrementAndGet(); // it came in, and was lost
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
