package io.sslstream.registry.security;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The registry as production runs it: tokens required for writes and (here) reads too, and a retention policy
 * that runs on demand only (so that it cannot race the tests).
 */
public class SecuredProfile implements QuarkusTestProfile {

    public static final String READER = "reader-token-0123456789";
    public static final String WRITER = "writer-token-0123456789";
    public static final String ADMIN = "admin-token-01234567890";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("ssl.registry.auth.enabled", "true"),
                Map.entry("ssl.registry.auth.anonymous-read", "false"),
                Map.entry("ssl.registry.auth.tokens.reader.token", READER),
                Map.entry("ssl.registry.auth.tokens.reader.scopes", "read"),
                Map.entry("ssl.registry.auth.tokens.writer.token", WRITER),
                Map.entry("ssl.registry.auth.tokens.writer.scopes", "write"),
                Map.entry("ssl.registry.auth.tokens.admin.token", ADMIN),
                Map.entry("ssl.registry.auth.tokens.admin.scopes", "admin"),
                Map.entry("ssl.registry.retention.keep-last", "2"),
                Map.entry("ssl.registry.retention.every", "off"));
    }
}
