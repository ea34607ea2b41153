package io.sslstream.registry.postgres;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/**
 * Runs a Quarkus test class against PostgreSQL instead of the embedded H2: the API suites are subclassed with this
 * profile, so both databases pass the same tests.
 */
public class PostgresProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestResource.class));
    }
}
