package io.sslstream.bench;

import io.sslstream.bench.registry.MetadataLoad;
import io.sslstream.bench.registry.PeerServer;
import io.sslstream.bench.registry.Transfers;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.ServiceProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code ./bench registry}: the registry as the local stack runs it (its Quarkus jar in a JVM of its own, the embedded
 * H2 database and blob directory on the local disk, a KRaft broker for its outbox), driven over loopback.
 *
 * <ul>
 *   <li>Transfers: a checkpoint-sized random blob (100 MiB by default) uploaded and downloaded through
 *       {@code RegistryClient}, the trainer's and evaluator's path, several times; median MB/s each way. Each upload is
 *       new content (a stored blob would only be hashed); each download is checked against its digest.</li>
 *   <li>Metadata: 16 closed-loop clients (a fixed thread pool: Java 17 has no virtual threads) alternating
 *       {@code GET /versions/{v}} and {@code GET /versions?limit=20} on a model with a few hundred versions, each with
 *       tags and an evaluation; requests per second and latency percentiles after a warm-up.</li>
 * </ul>
 *
 * <p>Peer, in the same run: {@link PeerServer}, a minimal Python standard-library server behind the same URLs (MLflow's
 * registry is not installed here and would need a server and database of its own).
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Registry: upload/download MB/s of a checkpoint-sized blob, metadata requests/s and latency under load.")
public class RegistryBenchmark implements Callable<Integer> {

    static final String MODEL = "bench-registry";

    /** What the figures mean; the same every run. */
    static final String READING = """
            Reading: downloads are sendfile on both sides and come out close. Uploads trail the peer because the registry's \
            upload endpoint reads the body as a blocking InputStream: each socket read (about 64 KB) is handed from the \
            event loop to a worker thread, which on a loaded 2-core machine waits for a core each time (1 MB HTTP chunks, \
            `quarkus.http.limits.max-chunk-size`, already cut the hand-overs eightfold and doubled the rate); the peer reads \
            the socket in the thread that hashes and writes. The first transfer of a run also pays the JIT warm-up. The \
            metadata rate is the registry's full path (four indexed queries, JSON assembly, validation, metrics) against a \
            peer that returns stored strings; the registry's p99 is the JVM sharing two cores with 16 client threads and \
            other work.""";

    @Option(names = "--size-mb", description = "blob size in MiB (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int sizeMb;

    @Option(names = "--transfers", description = "uploads and downloads each (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int transfers;

    @Option(names = "--clients", description = "concurrent metadata clients (default: ${DEFAULT-VALUE})", defaultValue = "16")
    int clients;

    @Option(names = "--versions", description = "versions of the model the load reads (default: ${DEFAULT-VALUE})",
            defaultValue = "300")
    int versions;

    @Option(names = "--warmup", description = "load before measuring (default: ${DEFAULT-VALUE})", defaultValue = "10s")
    Duration warmup;

    @Option(names = "--duration", description = "measured load (default: ${DEFAULT-VALUE})", defaultValue = "30s")
    Duration duration;

    @Option(names = "--heap", description = "the registry's heap (default: ${DEFAULT-VALUE})", defaultValue = "512m")
    String heap;

    @Option(names = "--work", description = "folder of the run (default: var/bench/registry/<date-time>)")
    Path work;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Override
    public Integer call() throws Exception {
        Path repo = Repo.root();
        Path dir = work != null ? work : repo.resolve("var/bench/registry/"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path jar = repo.resolve("registry-service/target/quarkus-app/quarkus-run.jar");
        Files.createDirectories(dir);
        String command = "./bench registry --size-mb " + sizeMb + " --transfers " + transfers + " --clients " + clients
                + " --versions " + versions + " --warmup " + warmup.toSeconds() + "s --duration " + duration.toSeconds() + "s";

        Side registrySide = new Side(transfers);
        Side peerSide = new Side(transfers);
        System.out.printf("starting Kafka, the registry (-Xmx%s) and the Python peer in %s...%n", heap, dir);
        try (KafkaProcess kafka = KafkaProcess.start(dir.resolve("kafka"), dir.resolve("logs/kafka.log"), 1, 256);
             PeerServer peer = PeerServer.start(dir.resolve("peer"), ServiceProcess.port(8091), dir.resolve("logs/peer.log"))) {
            int port = ServiceProcess.port(8081);
            ServiceProcess registry = ServiceProcess.start("registry", jar, port, dir.resolve("registry"),
                    dir.resolve("logs/registry.log"), List.of("-Xmx" + heap),
                    Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                            "ssl.registry.data-dir", dir.resolve("registry").toAbsolutePath().toString()), Map.of());
            try {
                registry.awaitReady(Duration.ofMinutes(3));
                RegistryClient client = new RegistryClient(registry.url("/"), null, Duration.ofMinutes(10));
                RegistryClient peerClient = new RegistryClient(peer.url(), null, Duration.ofMinutes(10));

                // registry and peer alternate, so that both see the same background load
                Transfers t = new Transfers(dir.resolve("client"), sizeMb);
                for (int i = 0; i < transfers; i++) {
                    String sha = t.freshContent(i);
                    registrySide.transfer(i, t, client, sha, dir.resolve("client/download.bin"));
                    peerSide.transfer(i, t, peerClient, sha, dir.resolve("client/download.bin"));
                    System.out.printf("transfer %d/%d: registry up %.0f / re-upload %.0f / down %.0f MB/s; "
                                    + "peer up %.0f / re-upload %.0f / down %.0f MB/s%n", i + 1, transfers,
                            registrySide.up[i], registrySide.again[i], registrySide.down[i],
                            peerSide.up[i], peerSide.again[i], peerSide.down[i]);
                }

                System.out.printf("creating %d versions of %s (and copying their JSON to the peer)...%n", versions, MODEL);
                seed(client, versions);
                seedPeer(registry.url("/"), peer, versions);
                System.out.printf("metadata load on the registry: %d clients, %ds warm-up, %ds measured...%n", clients,
                        warmup.toSeconds(), duration.toSeconds());
                registrySide.load = new MetadataLoad(URI.create(registry.url("/").toString()), MODEL, versions)
                        .run(clients, warmup, duration);
                System.out.printf("metadata load on the peer: %d clients, %ds warm-up, %ds measured...%n", clients,
                        warmup.toSeconds(), duration.toSeconds());
                peerSide.load = new MetadataLoad(peer.url(), MODEL, versions).run(clients, warmup, duration);
            } finally {
                registry.stop(Duration.ofSeconds(30));
            }
        }

        Report r = report(command, registrySide, peerSide);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "registry");
        System.out.print(r.markdown());
        return 0;
    }

    /** Versions with tags and one evaluation each (five protocols), all sharing one small blob. */
    private static void seed(RegistryClient client, int count) throws Exception {
        Path small = Files.createTempFile("bench-registry", ".bin");
        try {
            Files.write(small, UUID.randomUUID().toString().getBytes());
            String sha = Sha256.of(small);
            client.putBlob(small, sha);
            for (int v = 1; v <= count; v++) {
                CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, MODEL, "run-" + (v % 3),
                        "simclr", new CheckpointManifest.Architecture("small-cnn", Map.of("widths", List.of(32, 64, 128, 128))),
                        new CheckpointManifest.InputSpec(1, 28, 28, List.of(0.286), List.of(0.353)), v * 100L, v * 25_600L,
                        42, "cfg", Map.of("temperature", 0.5, "batch", 256, "lr", 1e-3), Map.of("loss", 5.0 / v),
                        Map.of("ssl.views.simclr/0", v * 25_600L), Map.of("engine", "PyTorch", "djl", "0.36.0"));
                ModelVersion created = client.createVersion(MODEL, new CreateVersionRequest(sha, manifest,
                        Map.of("stage", v % 2 == 0 ? "test" : "candidate", "dataset", "fashion-mnist")));
                List<ProtocolResult> results = new ArrayList<>();
                for (String p : List.of("linear", "linear@10", "linear@100", "knn@20", "knn@200")) {
                    results.add(new ProtocolResult(p, "encoder", Map.of("seeds", 3), 0.8, 0.01, 1.0));
                }
                client.addEvaluation(MODEL, created.version(), new EvaluationCompleted(EvaluationCompleted.SCHEMA_VERSION,
                        UUID.randomUUID(), Instant.now(), MODEL, created.version(), sha, "fashion-mnist",
                        EvaluationCompleted.SUCCEEDED, null, results, 10));
            }
        } finally {
            Files.deleteIfExists(small);
        }
    }

    /** One server's figures: MB/s per transfer run, and the metadata load's results. */
    private static final class Side {
        final double[] up;
        final double[] again;
        final double[] down;
        List<MetadataLoad.Result> load;

        Side(int runs) {
            up = new double[runs];
            again = new double[runs];
            down = new double[runs];
        }

        void transfer(int i, Transfers t, RegistryClient client, String sha, Path target) throws Exception {
            up[i] = t.megabytesPerSecond(t.upload(client, sha));
            again[i] = t.megabytesPerSecond(t.upload(client, sha));
            down[i] = t.megabytesPerSecond(t.download(client, sha, target));
        }
    }

    /** Copies each version's JSON, as the registry answers it, to the peer. */
    private static void seedPeer(URI registry, PeerServer peer, int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int v = 1; v <= count; v++) {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(registry.resolve("api/v1/models/" + MODEL + "/versions/" + v))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + res.statusCode() + " for version " + v);
            }
            peer.seed(http, MODEL, v, res.body());
        }
    }

    private Report report(String command, Side registry, Side peer) {
        Report r = new Report("Registry: transfers and metadata API", command);
        r.paragraph("The registry's Quarkus jar in its own JVM (-Xmx" + heap + "), embedded H2 database and blob directory "
                + "on the local disk, a KRaft broker for its outbox; clients in the benchmark's JVM over loopback. "
                + "Peer, in the same run and on the same disk: a minimal server on Python's standard library (Debian's "
                + "/usr/bin/python3: ThreadingHTTPServer, hashlib, sqlite3; the script is in `bench/registry/PeerServer.java`) "
                + "behind the same URLs, driven by the same clients. For blobs it does the same work (hash while streaming to a "
                + "temp file, fsync, rename, fsync the directory; sendfile on download); for metadata it serves the registry's "
                + "own JSON documents pre-rendered from one SQLite row each, i.e. less work than the registry (no joins, no "
                + "JSON writing, no auth or validation). Registry and peer transfers alternate. MB = 10^6 bytes. "
                + "The machine was shared with other builds and benchmarks (see the load average above): read medians and ratios.");
        String size = sizeMb + " MiB";
        r.table(List.of("transfer", "size", "runs", "registry median MB/s (min-max)", "peer median MB/s (min-max)",
                "registry / peer"), List.of(
                transferRow("upload (new content: hashed, written, fsynced, renamed)", size, registry.up, peer.up),
                transferRow("upload of stored content (hashed, nothing written)", size, registry.again, peer.again),
                transferRow("download to a file (sendfile)", size, registry.down, peer.down)));
        r.paragraph(clients + " concurrent closed-loop clients (JDK HttpClient, HTTP/1.1, a fixed thread pool), "
                + versions + " versions each with 2 tags and an evaluation of 5 protocols; " + warmup.toSeconds()
                + " s warm-up, then " + duration.toSeconds() + " s measured, registry first, then the peer. Latencies in "
                + "milliseconds.");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < registry.load.size(); i++) {
            MetadataLoad.Result x = registry.load.get(i);
            MetadataLoad.Result y = peer.load.get(i);
            rows.add(List.of(x.endpoint(), Integer.toString(x.requests()), Integer.toString(x.errors()), Report.n0(x.perSecond()),
                    Report.n2(x.p50()), Report.n2(x.p99()), Report.n1(x.max()), Report.n0(y.perSecond()) + " (" + y.errors()
                            + " errors)", Report.n2(y.p99()), Report.n2(x.perSecond() / y.perSecond()) + "x"));
        }
        r.table(List.of("endpoint", "requests", "errors", "requests/s", "p50 ms", "p99 ms", "max ms", "peer requests/s",
                "peer p99 ms", "registry / peer req/s"), rows);
        r.paragraph(READING);
        return r;
    }

    private static List<String> transferRow(String what, String size, double[] mbps, double[] peer) {
        return List.of(what, size, Integer.toString(mbps.length), spread(mbps), spread(peer),
                Report.n2(Stats.median(mbps) / Stats.median(peer)) + "x");
    }

    private static String spread(double[] mbps) {
        double[] sorted = mbps.clone();
        java.util.Arrays.sort(sorted);
        return Report.n0(Stats.median(mbps)) + " (" + Report.n0(sorted[0]) + "-" + Report.n0(sorted[sorted.length - 1]) + ")";
    }
}
