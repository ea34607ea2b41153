package io.sslstream.registry.it;

import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events without loss: with the broker stopped the registry still accepts versions (their events wait in the
 * outbox); when the same broker comes back, every event arrives, and a consumer de-duplicating by event id sees
 * each version exactly once.
 */
class BrokerOutageIT {

    private static final Pattern PENDING = Pattern.compile("(?m)^ssl_registry_outbox_pending(?:\\{[^}]*})? ([0-9.]+)$");

    @TempDir
    Path dir;

    @Test
    void versionsMadeWhileTheBrokerIsDownAreAnnouncedWhenItReturns() throws Exception {
        String model = TestData.uniqueModel("outage");
        try (KafkaProcess broker = KafkaProcess.start(dir.resolve("kafka"), Path.of("target/it-logs/broker-outage-kafka.log"), 1, 256)) {
            try (ServiceProcess registry = RegistryProcess.start(Path.of("target/it-logs/broker-outage-registry.log"), "128m",
                    Map.of("ssl.registry.data-dir", dir.resolve("registry").toString(),
                            "kafka.bootstrap.servers", broker.bootstrapServers(),
                            "ssl.registry.outbox.send-timeout", "8s"), Map.of())) {
                RegistryClient client = new RegistryClient(registry.url("/"), null, Duration.ofSeconds(30));

                create(client, model, 1);
                assertThat(CheckpointTopic.read(broker.bootstrapServers(), model, 1))
                        .extracting(CheckpointPublished::version).containsExactly(1);

                broker.stop();
                ModelVersion v2 = create(client, model, 2);
                ModelVersion v3 = create(client, model, 3);
                await().atMost(Duration.ofSeconds(60)).until(() -> pending(registry) == 2);

                broker.restart();
                List<CheckpointPublished> delivered = CheckpointTopic.read(broker.bootstrapServers(), model, 3);

                Map<UUID, CheckpointPublished> byEventId = new LinkedHashMap<>();
                delivered.forEach(e -> byEventId.putIfAbsent(e.eventId(), e));
                assertThat(v2.version()).isEqualTo(2);
                assertThat(v3.version()).isEqualTo(3);
                assertThat(byEventId.values()).extracting(CheckpointPublished::version).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(byEventId.values()).filteredOn(e -> e.version() == 3)
                        .extracting(CheckpointPublished::weightsSha256).containsExactly(v3.weightsSha256());
                await().atMost(Duration.ofSeconds(30)).until(() -> pending(registry) == 0);
            }
        }
    }

    private ModelVersion create(RegistryClient client, String model, long step) throws Exception {
        Path weights = Files.write(dir.resolve("w" + step + ".bin"), TestData.randomBytes(5000, step));
        String sha = Sha256.of(weights);
        client.putBlob(weights, sha);
        return client.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, step, 0.5), Map.of()));
    }

    private static double pending(ServiceProcess registry) throws Exception {
        String metrics = Http.json("GET", registry.url("/q/metrics"), null, null).text();
        Matcher m = PENDING.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
