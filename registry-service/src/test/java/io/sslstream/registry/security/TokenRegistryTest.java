package io.sslstream.registry.security;

import io.sslstream.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenRegistryTest {

    @Test
    void findsTheCallerOfAKnownTokenWithItsImpliedScopes() {
        TokenRegistry tokens = new TokenRegistry(auth(true, Map.of(
                "trainer", token("trainer-secret-0123456789", "write"),
                "ops", token("ops-secret-012345678901", "admin"),
                "dash", token("dashboard-secret-0123456", "read"))));

        assertThat(tokens.find("trainer-secret-0123456789")).get()
                .isEqualTo(new TokenRegistry.Caller("trainer", Set.of("write", "read")));
        assertThat(tokens.find("ops-secret-012345678901").orElseThrow().roles()).containsExactlyInAnyOrder("admin", "write", "read");
        assertThat(tokens.find("dashboard-secret-0123456").orElseThrow().roles()).containsExactly("read");
        assertThat(tokens.find("trainer-secret-012345678")).isEmpty();
        assertThat(tokens.find("trainer-secret-0123456789 ")).isEmpty();
        assertThat(tokens.find("")).isEmpty();
    }

    @Test
    void refusesWeakDuplicateOrUnscopedTokensNamingThemButNotTheSecret() {
        assertThatThrownBy(() -> new TokenRegistry(auth(true, Map.of("short", token("too-short", "read")))))
                .hasMessageContaining("ssl.registry.auth.tokens.short.token").hasMessageContaining("16")
                .hasMessageNotContaining("too-short");
        Map<String, RegistryConfig.Auth.Token> twins = new LinkedHashMap<>();
        twins.put("a", token("the-same-secret-0123456", "read"));
        twins.put("b", token("the-same-secret-0123456", "write"));
        assertThatThrownBy(() -> new TokenRegistry(auth(true, twins))).hasMessageContaining("tokens.b.token");
        assertThatThrownBy(() -> new TokenRegistry(auth(true, Map.of("x", token("a-long-enough-secret-01", "delete")))))
                .hasMessageContaining("tokens.x.scopes").hasMessageContaining("delete");
        assertThatThrownBy(() -> new TokenRegistry(auth(true, Map.of("x", token("a-long-enough-secret-01")))))
                .hasMessageContaining("tokens.x.scopes is empty");
    }

    @Test
    void withAuthDisabledTokensAreNeitherCheckedNorKnown() {
        TokenRegistry tokens = new TokenRegistry(auth(false, Map.of("short", token("x", "nonsense"))));

        assertThat(tokens.find("x")).isEmpty();
    }

    private static RegistryConfig.Auth.Token token(String secret, String... scopes) {
        return new RegistryConfig.Auth.Token() {
            @Override
            public String token() {
                return secret;
            }

            @Override
            public List<String> scopes() {
                return List.of(scopes);
            }
        };
    }

    private static RegistryConfig.Auth auth(boolean enabled, Map<String, RegistryConfig.Auth.Token> tokens) {
        return new RegistryConfig.Auth() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public boolean anonymousRead() {
                return true;
            }

            @Override
            public Map<String, Token> tokens() {
                return tokens;
            }
        };
    }
}
