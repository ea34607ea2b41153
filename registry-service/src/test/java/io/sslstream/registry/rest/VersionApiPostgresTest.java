package io.sslstream.registry.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sslstream.registry.postgres.PostgresProfile;
import io.sslstream.registry.store.Jdbc;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link VersionApiTest} against PostgreSQL (a database of its own on the real server). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class VersionApiPostgresTest extends VersionApiTest {

    @Inject
    Jdbc jdbc;

    /** The profile's switch really moved the registry to PostgreSQL. */
    @Test
    void theRegistryRunsOnPostgres() {
        String product = jdbc.read("database product", c -> c.getMetaData().getDatabaseProductName());
        String url = jdbc.read("database url", c -> c.getMetaData().getURL());

        assertThat(product).isEqualTo("PostgreSQL");
        assertThat(url).contains("/registry_test_");
    }
}
