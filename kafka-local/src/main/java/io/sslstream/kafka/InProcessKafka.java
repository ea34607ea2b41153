package io.sslstream.kafka;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import java.util.Map;

/**
 * A real Apache Kafka broker (KRaft, one combined broker+controller node) inside this JVM, from Kafka's own
 * test kit. Ready in a few seconds; its log directories are deleted on {@link #close()}.
 *
 * <p>This is the broker the test suites use on machines without a Docker engine (CI here has none).
 */
public final class InProcessKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private InProcessKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a single-node cluster and waits until its broker is ready. */
    public static InProcessKafka start() {
        return start(Map.of());
    }

    /** As {@link #start()}, with extra broker settings (e.g. {@code num.partitions}). */
    public static InProcessKafka start(Map<String, String> overrides) {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // the test kit's default is an unstable metadata version
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BrokerSettings.singleNode(1).forEach(builder::setConfigProp);
            overrides.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InProcessKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the in-process Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e, e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("error while stopping the in-process Kafka broker", e);
        }
    }
}
