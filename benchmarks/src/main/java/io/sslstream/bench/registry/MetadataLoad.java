package io.sslstream.bench.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed-loop load generator: {@code clients} threads, each sending its next request as soon as the previous one
 * answered, alternating {@code GET /versions/{v}} (a random version) and {@code GET /versions?limit=20}, for a warm-up
 * and then a measured period. Java 17 has no virtual threads: one platform thread per client, each with its own
 * HTTP/1.1 connection pool entry through one shared JDK client.
 */
public final class MetadataLoad {

    /** What one endpoint saw during the measured period. */
    public record Result(String endpoint, int requests, int errors, double seconds, double p50, double p99, double max) {

        public double perSecond() {
            return requests / seconds;
        }
    }

    private final URI base;
    private final String model;
    private final int versions;

    public MetadataLoad(URI base, String model, int versions) {
        this.base = base;
        this.model = model;
        this.versions = versions;
    }

    /** Runs the load; results per endpoint, then the total. */
    public List<Result> run(int clients, Duration warmup, Duration measure) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        List<Future<Latencies[]>> futures = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                long seed = c;
                futures.add(pool.submit(() -> client(http, seed, measureFrom, end)));
            }
            List<Latencies> one = new ArrayList<>();
            List<Latencies> page = new ArrayList<>();
            for (Future<Latencies[]> f : futures) {
                Latencies[] l = f.get();
                one.add(l[0]);
                page.add(l[1]);
            }
            double seconds = measure.toNanos() / 1e9;
            List<Latencies> all = new ArrayList<>(one);
            all.addAll(page);
            return List.of(result("GET /versions/{v}", one, seconds), result("GET /versions?limit=20", page, seconds),
                    result("both", all, seconds));
        } finally {
            pool.shutdownNow();
        }
    }

    private Latencies[] client(HttpClient http, long seed, long measureFrom, long end) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Latencies one = new Latencies();
        Latencies page = new Latencies();
        String prefix = base + "api/v1/models/" + model + "/versions";
        for (long i = 0; ; i++) {
            boolean single = (i & 1) == 0;
            URI uri = URI.create(single ? prefix + "/" + (1 + random.nextInt(versions)) : prefix + "?limit=20");
            long t0 = System.nanoTime();
            if (t0 >= end) {
                return new Latencies[]{one, page};
            }
            boolean ok;
            try {
                HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                ok = res.statusCode() == 200;
            } catch (IOException e) {
                ok = false;
            }
            long t1 = System.nanoTime();
            if (t0 >= measureFrom && t1 <= end) {
                Latencies l = single ? one : page;
                if (ok) {
                    l.add(t1 - t0);
                } else {
                    l.error();
                }
            }
        }
    }

    private static Result result(String endpoint, List<Latencies> threads, double seconds) {
        double[] ms = Latencies.millis(threads);
        double[] s = Latencies.summary(ms);
        int errors = threads.stream().mapToInt(Latencies::errors).sum();
        return new Result(endpoint, ms.length, errors, seconds, s[0], s[1], s[2]);
    }
}
