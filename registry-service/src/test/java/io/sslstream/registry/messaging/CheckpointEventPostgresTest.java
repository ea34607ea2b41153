package io.sslstream.registry.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sslstream.registry.postgres.PostgresProfile;

/** {@link CheckpointEventTest} against PostgreSQL (a database of its own on the real server). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class CheckpointEventPostgresTest extends CheckpointEventTest {
}
