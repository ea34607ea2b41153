package io.sslstream.registry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed configuration of the registry ({@code ssl.registry.*}). */
@ConfigMapping(prefix = "ssl.registry")
public interface RegistryConfig {

    /** Directory holding the database ({@code db/}), the blobs ({@code blobs/}) and partial uploads ({@code tmp/}). */
    @WithDefault("var/registry")
    Path dataDir();

    /**
     * Where the metadata lives: {@code h2} (an embedded database file under the data dir) or {@code postgresql}
     * (the server named by {@code quarkus.datasource.postgresql.jdbc.url}, {@code .username}, {@code .password}).
     */
    @WithDefault("h2")
    Database database();

    /** Largest blob an upload may carry; a larger one is answered 413. */
    @WithDefault("2G")
    MemorySize maxUploadBytes();

    /** Largest page a version listing may ask for. */
    @WithDefault("500")
    int maxPageSize();

    /** The relay that publishes outbox rows to Kafka. */
    Outbox outbox();

    /** Bearer tokens and their scopes. */
    Auth auth();

    /** Deletion of old versions that carry no alias. */
    Retention retention();

    /** The metadata database. */
    enum Database {
        /** Embedded H2 file under the data dir. */
        H2,
        /** A PostgreSQL server. */
        POSTGRESQL
    }

    /** Outbox relay settings. */
    interface Outbox {

        /** How long the relay waits for the broker's ack of one event before leaving it for the next pass. */
        @WithDefault("15s")
        Duration sendTimeout();

        /** Rows the relay reads per query. */
        @WithDefault("100")
        int batchSize();
    }

    /** Authentication: static bearer tokens with scopes, from configuration (a Kubernetes Secret in production). */
    interface Auth {

        /** When false every request may do everything (the local stack); when true requests need a token's scope. */
        @WithDefault("false")
        boolean enabled();

        /** With auth enabled: whether reads (GET, HEAD) are allowed without a token. */
        @WithDefault("true")
        boolean anonymousRead();

        /** Tokens by name (the name is what logs and metrics show, never the token). */
        Map<String, Token> tokens();

        /** One bearer token. */
        interface Token {

            /** The secret itself; at least 16 characters. */
            String token();

            /** Its scopes: {@code read}, {@code write} (implies read), {@code admin} (implies both). */
            List<String> scopes();
        }
    }

    /**
     * Retention: a version is deleted when every configured rule expires it, it is not the newest of its model
     * ({@code latest}) and no alias points at it. With no rule configured nothing is deleted.
     */
    interface Retention {

        /** Keep the N newest versions of each model; older ones expire. 0 disables this rule. */
        @WithDefault("0")
        int keepLast();

        /** Versions created longer ago than this expire; unset disables this rule. */
        Optional<Duration> maxAge();

        /** How often the policy runs by itself ({@code off} to run it only on demand). */
        @WithName("every")
        @WithDefault("1h")
        String every();
    }
}
