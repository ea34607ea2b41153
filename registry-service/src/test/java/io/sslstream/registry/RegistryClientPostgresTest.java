package io.sslstream.registry;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sslstream.registry.postgres.PostgresProfile;

/** {@link RegistryClientTest} against PostgreSQL (a database of its own on the real server). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class RegistryClientPostgresTest extends RegistryClientTest {
}
