package io.sslstream.eval;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts a {@link FakeRegistry} before the application and points {@code ssl.eval.registry-url} at it. */
public class FakeRegistryResource implements QuarkusTestResourceLifecycleManager {

    private FakeRegistry registry;

    @Override
    public Map<String, String> start() {
        registry = FakeRegistry.start();
        return Map.of("ssl.eval.registry-url", registry.url());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
    }
}
