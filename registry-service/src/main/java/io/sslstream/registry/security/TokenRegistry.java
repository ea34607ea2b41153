package io.sslstream.registry.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured bearer tokens ({@code ssl.registry.auth.tokens.<name>.token} and {@code .scopes}), checked at
 * start-up and looked up in constant time. Only token names ever reach a log.
 */
@ApplicationScoped
public class TokenRegistry {

    /** Shorter secrets are refused at start-up. */
    static final int MIN_TOKEN_LENGTH = 16;

    /** A known token: its name (for logs and metrics) and roles. */
    public record Caller(String name, Set<String> roles) {
    }

    private record Entry(String name, byte[] digest, Set<String> roles) {
    }

    private final List<Entry> entries;
    private final RegistryConfig.Auth auth;

    @Inject
    public TokenRegistry(RegistryConfig config) {
        this(config.auth());
    }

    /** @throws IllegalStateException naming the token whose configuration is wrong */
    public TokenRegistry(RegistryConfig.Auth auth) {
        this.auth = auth;
        this.entries = auth.enabled() ? entries(auth.tokens()) : List.of();
    }

    void onStart(@Observes StartupEvent event) {
        if (!auth.enabled()) {
            Log.info("Authentication disabled (ssl.registry.auth.enabled=false): every request may read and write");
            return;
        }
        Log.infof("Authentication enabled: %d token(s) %s; anonymous reads %s", entries.size(),
                entries.stream().map(e -> e.name() + new java.util.TreeSet<>(e.roles())).toList(), auth.anonymousRead() ? "allowed" : "refused");
        if (entries.isEmpty()) {
            Log.warn("Authentication is enabled but no token is configured (ssl.registry.auth.tokens.<name>.token): nothing can be written");
        }
    }

    /**
     * The caller a presented token belongs to. Every configured token is compared, in constant time, whatever
     * matches: the answer's timing does not tell how much of a guess was right.
     */
    public Optional<Caller> find(String presented) {
        byte[] digest = digest(presented);
        Entry match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest(), digest) && match == null) {
                match = e;
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Caller(match.name(), match.roles()));
    }

    private static List<Entry> entries(Map<String, RegistryConfig.Auth.Token> tokens) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        tokens.forEach((name, t) -> {
            String secret = t.token() == null ? "" : t.token().trim();
            if (secret.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("ssl.registry.auth.tokens." + name + ".token must have at least "
                        + MIN_TOKEN_LENGTH + " characters");
            }
            if (!seen.add(HexFormat.of().formatHex(digest(secret)))) {
                throw new IllegalStateException("ssl.registry.auth.tokens." + name + ".token is the same as another token's");
            }
            Set<String> roles;
            try {
                roles = Scopes.roles(t.scopes());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ssl.registry.auth.tokens." + name + ".scopes: " + e.getMessage(), e);
            }
            if (roles.isEmpty()) {
                throw new IllegalStateException("ssl.registry.auth.tokens." + name + ".scopes is empty");
            }
            entries.add(new Entry(name, digest(secret), Set.copyOf(roles)));
        });
        return List.copyOf(entries);
    }

    /** Comparing digests keeps the comparison's length fixed whatever the lengths of the tokens. */
    private static byte[] digest(String token) {
        return Sha256.newDigest().digest(token.getBytes(StandardCharsets.UTF_8));
    }
}
