package io.sslstream.registry.rest;

import io.sslstream.registry.Refusal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one table from the registry's refusals to HTTP statuses (the API tests check the documents). */
class RefusalStatusTest {

    @Test
    void everyKindOfRefusalHasItsStatus() {
        assertThat(RegistryProblemMappers.status(new Refusal.Invalid("c", "T", "m"))).isEqualTo(400);
        assertThat(RegistryProblemMappers.status(new Refusal.NotFound("c", "T", "m"))).isEqualTo(404);
        assertThat(RegistryProblemMappers.status(new Refusal.Conflict("c", "T", "m"))).isEqualTo(409);
        assertThat(RegistryProblemMappers.status(new Refusal.TooLarge("c", "T", "m"))).isEqualTo(413);
        assertThat(RegistryProblemMappers.status(new Refusal.Unacceptable("c", "T", "m"))).isEqualTo(422);
        assertThat(RegistryProblemMappers.status(new Refusal.Busy("c", "T", "m"))).isEqualTo(503);
    }
}
