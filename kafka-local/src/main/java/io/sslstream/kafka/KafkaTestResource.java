package io.sslstream.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.util.Map;

/**
 * The one Kafka broker of the Quarkus test suites: Testcontainers' Kafka container where a Docker engine
 * is available, Kafka's in-process KRaft broker ({@link InProcessKafka}) otherwise.
 *
 * <p>The machines this project is developed and tested on (CI included) have no Docker engine, so the
 * in-process branch is the one that runs there; the container branch is written for developer machines and
 * cannot be exercised here. Both are real Apache Kafka brokers.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** The client version, so that broker and clients match. */
    static final String KAFKA_IMAGE = "apache/kafka-native:4.1.2";

    private InProcessKafka inProcess;
    private KafkaContainer container;

    @Override
    public Map<String, String> start() {
        String bootstrap;
        if (dockerAvailable()) {
            container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            bootstrap = container.getBootstrapServers();
        } else {
            inProcess = InProcessKafka.start();
            bootstrap = inProcess.bootstrapServers();
        }
        return Map.of("kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        if (container != null) {
            container.stop();
        }
        if (inProcess != null) {
            inProcess.close();
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
