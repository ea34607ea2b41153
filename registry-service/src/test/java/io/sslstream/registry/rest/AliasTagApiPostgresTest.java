package io.sslstream.registry.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sslstream.registry.postgres.PostgresProfile;

/** {@link AliasTagApiTest} against PostgreSQL (a database of its own on the real server). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class AliasTagApiPostgresTest extends AliasTagApiTest {
}
