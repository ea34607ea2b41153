package io.sslstream.registry.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sslstream.contracts.events.Json;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The REST layer reads and writes JSON with the contracts' one configuration ({@link Json#MAPPER}), so that the
 * registry accepts and produces exactly what {@code RegistryClient} and the event consumers expect.
 */
@Singleton
public class JsonConfig {

    @Produces
    @Singleton
    ObjectMapper objectMapper() {
        return Json.MAPPER.copy();
    }
}
