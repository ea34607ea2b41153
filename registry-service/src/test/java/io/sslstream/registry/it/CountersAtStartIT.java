package io.sslstream.registry.it;

import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus sees a counter's first increment only if the counter was scraped at 0 before it: right after start-up the
 * registry shows its counters at 0, those of every model and alias its database holds included (the real packaged
 * registry, started twice on the same data directory).
 */
class CountersAtStartIT {

    @TempDir
    Path dir;

    @Test
    void countersAreOnMetricsAtZeroRightAfterStartForTheModelsAndAliasesTheDatabaseHolds() throws Exception {
        String model = TestData.uniqueModel("counters");
        try (ServiceProcess registry = start("first")) {
            Map<String, Double> counters = counters(registry);
            assertThat(counters).containsEntry("ssl_registry_upload_rejected_total{reason=\"digest-mismatch\"}", 0.0)
                    .containsEntry("ssl_registry_upload_rejected_total{reason=\"too-large\"}", 0.0)
                    .containsEntry("ssl_registry_auth_denied_total{reason=\"missing-scope\"}", 0.0)
                    .containsEntry("ssl_registry_events_published_total", 0.0);
            assertThat(counters.keySet()).noneMatch(series -> series.contains(model)); // nothing announces a model

            RegistryClient client = new RegistryClient(registry.url("/"), null, Duration.ofSeconds(30));
            Path weights = Files.write(dir.resolve("w.bin"), TestData.randomBytes(5000, 1));
            String sha = Sha256.of(weights);
            client.putBlob(weights, sha);
            client.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, 10, 0.5), Map.of()));
            client.setAlias(model, "champion", 1);
            assertThat(counters(registry)).containsEntry("ssl_registry_versions_created_total{model=\"" + model + "\"}", 1.0);
        }

        try (ServiceProcess registry = start("second")) {
            assertThat(counters(registry))
                    .containsEntry("ssl_registry_versions_created_total{model=\"" + model + "\"}", 0.0)
                    .containsEntry("ssl_registry_versions_replayed_total{model=\"" + model + "\"}", 0.0)
                    .containsEntry("ssl_registry_alias_moved_total{alias=\"champion\"}", 0.0)
                    .doesNotContainKey("ssl_registry_alias_moved_total{alias=\"latest\"}");
        }
    }

    private ServiceProcess start(String name) throws InterruptedException {
        return RegistryProcess.start(Path.of("target/it-logs/counters-at-start-" + name + ".log"), "128m",
                Map.of("ssl.registry.data-dir", dir.resolve("registry").toString(),
                        // no broker: the outbox keeps the events, which is not what this test looks at
                        "kafka.bootstrap.servers", "localhost:" + ServiceProcess.freePort()), Map.of());
    }

    /** The {@code ssl_registry_*_total} series on {@code /q/metrics}, name and labels as exported, with their values. */
    private static Map<String, Double> counters(ServiceProcess registry) throws Exception {
        Map<String, Double> counters = new TreeMap<>();
        Http.json("GET", registry.url("/q/metrics"), null, null).text().lines()
                .filter(l -> l.startsWith("ssl_registry_") && l.split("[{ ]", 2)[0].endsWith("_total"))
                .forEach(l -> counters.put(l.substring(0, l.lastIndexOf(' ')).replace(",}", "}"), // labels end with a comma
                        Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
        return counters;
    }
}
