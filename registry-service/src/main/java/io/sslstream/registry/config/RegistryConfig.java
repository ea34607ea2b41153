package io.sslstream.registry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Typed configuration of the registry ({@code ssl.registry.*}). */
@ConfigMapping(prefix = "ssl.registry")
public interface RegistryConfig {

    /** Directory holding the database ({@code db/}), the blobs ({@code blobs/}) and partial uploads ({@code tmp/}). */
    @WithDefault("var/registry")
    Path dataDir();

    /** Largest blob an upload may carry; a larger one is answered 413. */
    @WithDefault("2G")
    MemorySize maxUploadBytes();

    /** Largest page a version listing may ask for. */
    @WithDefault("500")
    int maxPageSize();

    /** The relay that publishes outbox rows to Kafka. */
    Outbox outbox();

    /** Outbox relay settings. */
    interface Outbox {

        /** How long the relay waits for the broker's ack of one event before leaving it for the next pass. */
        @WithDefault("15s")
        Duration sendTimeout();

        /** Rows the relay reads per query. */
        @WithDefault("100")
        int batchSize();
    }
}
