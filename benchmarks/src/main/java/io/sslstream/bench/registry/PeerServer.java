package io.sslstream.bench.registry;

import io.sslstream.bench.Peer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The registry benchmark's peer: a minimal blob and metadata server on Python's standard library
 * ({@code http.server.ThreadingHTTPServer}, {@code hashlib}, {@code sqlite3}), run with Debian's {@code /usr/bin/python3}
 * in the same run, on the same disk, behind the same URL layout, so that the same clients drive both.
 *
 * <ul>
 *   <li>{@code PUT /api/v1/blobs/sha256/{sha}}: does what the registry does with new content: streams the body to a temp
 *       file while hashing it, checks the digest, fsyncs, renames into place and fsyncs the directory; stored content
 *       is only hashed.</li>
 *   <li>{@code GET /api/v1/blobs/sha256/{sha}}: {@code socket.sendfile}, as the registry's download.</li>
 *   <li>{@code GET /api/v1/models/{m}/versions/{v}} and {@code ...?limit=n}: the same JSON documents the registry
 *       answered, pre-rendered and stored one row per version in SQLite (seeded through {@code PUT /seed/...}). It
 *       does less than the registry (no joins, no assembly, no JSON writing), so it is a floor for a Python server,
 *       not a like-for-like registry.</li>
 * </ul>
 */
public final class PeerServer implements AutoCloseable {

    static final String SCRIPT = """
            import hashlib, http.server, os, sqlite3, sys, tempfile, threading, urllib.parse

            DATA, PORT = sys.argv[1], int(sys.argv[2])
            BLOBS, TMP, DB = os.path.join(DATA, "blobs"), os.path.join(DATA, "tmp"), os.path.join(DATA, "meta.db")
            os.makedirs(BLOBS, exist_ok=True)
            os.makedirs(TMP, exist_ok=True)
            with sqlite3.connect(DB) as c:
                c.execute("create table if not exists versions(model text, version integer, body text, primary key(model, version))")
            local = threading.local()

            def db():
                c = getattr(local, "c", None)
                if c is None:
                    c = local.c = sqlite3.connect(DB)
                return c

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def log_message(self, *args):
                    pass

                def reply(self, code, body=b"", ctype="application/json"):
                    self.send_response(code)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def body_chunks(self):
                    left = int(self.headers.get("Content-Length", "0"))
                    while left > 0:
                        b = self.rfile.read(min(left, 1 << 20))
                        if not b:
                            raise IOError("body ended early")
                        left -= len(b)
                        yield b

                def do_PUT(self):
                    p = urllib.parse.urlsplit(self.path).path.split("/")
                    if p[1:5] == ["api", "v1", "blobs", "sha256"] and len(p) == 6:
                        sha, h, size = p[5], hashlib.sha256(), 0
                        target = os.path.join(BLOBS, sha)
                        if os.path.exists(target):
                            for b in self.body_chunks():
                                h.update(b)
                                size += len(b)
                            code = 200
                        else:
                            fd, tmp = tempfile.mkstemp(dir=TMP, suffix=".part")
                            try:
                                with os.fdopen(fd, "wb", buffering=0) as f:
                                    for b in self.body_chunks():
                                        h.update(b)
                                        f.write(b)
                                        size += len(b)
                                    os.fsync(f.fileno())
                                if h.hexdigest() == sha:
                                    os.replace(tmp, target)
                                    d = os.open(BLOBS, os.O_RDONLY)
                                    os.fsync(d)
                                    os.close(d)
                            finally:
                                if os.path.exists(tmp):
                                    os.remove(tmp)
                            code = 201
                        if h.hexdigest() != sha:
                            return self.reply(400, b'{"detail":"digest mismatch"}')
                        return self.reply(code, ('{"sha256":"%s","size":%d}' % (sha, size)).encode())
                    if p[1] == "seed" and len(p) == 4:
                        body = b"".join(self.body_chunks()).decode()
                        c = db()
                        c.execute("insert or replace into versions values (?, ?, ?)", (p[2], int(p[3]), body))
                        c.commit()
                        return self.reply(204)
                    self.reply(404)

                def do_GET(self):
                    u = urllib.parse.urlsplit(self.path)
                    p = u.path.split("/")
                    if p[1:5] == ["api", "v1", "blobs", "sha256"] and len(p) == 6:
                        path = os.path.join(BLOBS, p[5])
                        if not os.path.exists(path):
                            return self.reply(404)
                        with open(path, "rb") as f:
                            self.send_response(200)
                            self.send_header("Content-Type", "application/octet-stream")
                            self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
                            self.send_header("ETag", '"%s"' % p[5])
                            self.end_headers()
                            self.wfile.flush()
                            self.connection.sendfile(f)
                        return
                    if p[1:4] == ["api", "v1", "models"] and len(p) >= 6 and p[5] == "versions":
                        c = db()
                        if len(p) == 7:
                            row = c.execute("select body from versions where model = ? and version = ?", (p[4], int(p[6]))).fetchone()
                            return self.reply(200, row[0].encode()) if row else self.reply(404)
                        q = urllib.parse.parse_qs(u.query)
                        limit, offset = int(q.get("limit", ["50"])[0]), int(q.get("offset", ["0"])[0])
                        rows = c.execute("select body from versions where model = ? order by version desc limit ? offset ?",
                                         (p[4], limit, offset)).fetchall()
                        total = c.execute("select count(*) from versions where model = ?", (p[4],)).fetchone()[0]
                        body = '{"items":[%s],"offset":%d,"limit":%d,"total":%d}' % (",".join(r[0] for r in rows), offset, limit, total)
                        return self.reply(200, body.encode())
                    if u.path == "/ready":
                        return self.reply(200, b"{}")
                    self.reply(404)

            server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
            server.daemon_threads = True
            print("peer listening on", PORT, flush=True)
            server.serve_forever()
            """;

    private final Process process;
    private final URI base;

    private PeerServer(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    /** Writes the script into {@code dir}, starts it on {@code port} and waits until it answers. */
    public static PeerServer start(Path dir, int port, Path log) throws IOException, InterruptedException {
        if (!Files.isExecutable(Peer.PYTHON)) {
            throw new IOException(Peer.PYTHON + " not found: the registry peer runs on Debian's python3");
        }
        Files.createDirectories(dir);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Path script = Files.writeString(dir.resolve("peer_registry.py"), SCRIPT);
        Process p = new ProcessBuilder(List.of(Peer.PYTHON.toString(), script.toString(), dir.resolve("data").toString(),
                Integer.toString(port))).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        PeerServer server = new PeerServer(p, URI.create("http://127.0.0.1:" + port + "/"));
        server.awaitReady(Duration.ofSeconds(30));
        return server;
    }

    public URI url() {
        return base;
    }

    /** Stores one version's JSON document as the registry answered it. */
    public void seed(HttpClient http, String model, int version, byte[] json) throws IOException, InterruptedException {
        HttpResponse<Void> res = http.send(HttpRequest.newBuilder(base.resolve("seed/" + model + "/" + version))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.discarding());
        if (res.statusCode() != 204) {
            throw new IOException("peer refused the seed of version " + version + ": " + res.statusCode());
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the Python peer exited with " + process.exitValue() + " at start-up");
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("the Python peer did not answer within " + timeout);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
