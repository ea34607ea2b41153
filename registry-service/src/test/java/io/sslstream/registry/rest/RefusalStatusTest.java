package io.sslstream.registry.rest;

import io.sslstream.registry.Refusal.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one table from the registry's refusals to HTTP statuses (the API tests check the documents). */
class RefusalStatusTest {

    @Test
    void everyKindOfRefusalHasItsStatus() {
        assertThat(RegistryProblemMappers.status(Kind.INVALID)).isEqualTo(400);
        assertThat(RegistryProblemMappers.status(Kind.NOT_FOUND)).isEqualTo(404);
        assertThat(RegistryProblemMappers.status(Kind.CONFLICT)).isEqualTo(409);
        assertThat(RegistryProblemMappers.status(Kind.TOO_LARGE)).isEqualTo(413);
        assertThat(RegistryProblemMappers.status(Kind.UNACCEPTABLE)).isEqualTo(422);
        assertThat(RegistryProblemMappers.status(Kind.BUSY)).isEqualTo(503);
    }
}
