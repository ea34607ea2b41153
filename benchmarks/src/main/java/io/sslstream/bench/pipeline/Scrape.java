package io.sslstream.bench.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One read of a service's Prometheus endpoint ({@code /q/metrics}): sums and single series by name and label. */
public final class Scrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private Scrape(List<Sample> samples) {
        this.samples = samples;
    }

    /** Reads {@code url}; a service that does not answer gives an empty scrape (every sum is then NaN). */
    public static Scrape of(URI url) {
        List<Sample> out = new ArrayList<>();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> out.add(parse(l)));
            }
        } catch (IOException e) {
            // not answering: empty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Scrape(out);
    }

    static Sample parse(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
        String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
        return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** Sum of every series of {@code name} whose labels contain each of {@code labelParts} (e.g. {@code quantile="0.5"}). */
    public double sum(String name, String... labelParts) {
        double total = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name) && containsAll(s.labels(), labelParts)) {
                total += s.value();
                any = true;
            }
        }
        return any ? total : Double.NaN;
    }

    private static boolean containsAll(String labels, String[] parts) {
        for (String p : parts) {
            if (!labels.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
