package io.sslstream.registry.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.sslstream.registry.config.RegistryConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * {@code Authorization: Bearer <token>} against the configured tokens ({@link TokenRegistry}).
 *
 * <ul>
 *   <li>Auth disabled: every request is a caller with every scope (the local stack).</li>
 *   <li>No header: an anonymous caller, with the {@code read} scope if anonymous reads are allowed; a write then
 *       answers 401.</li>
 *   <li>A header that is not a bearer token, or an unknown token: 401.</li>
 * </ul>
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String SCHEME = "Bearer";
    /** The realm named in {@code WWW-Authenticate} challenges. */
    public static final String REALM = "sslstream-registry";

    private static final SecurityIdentity OPEN = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal("anonymous")).addRoles(Scopes.ALL).build();
    private static final SecurityIdentity ANONYMOUS_READER = QuarkusSecurityIdentity.builder()
            .setAnonymous(true).addRole(Scopes.READ).build();
    private static final SecurityIdentity ANONYMOUS = QuarkusSecurityIdentity.builder().setAnonymous(true).build();

    private final RegistryConfig.Auth auth;

    public BearerTokenMechanism(RegistryConfig config) {
        this.auth = config.auth();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!auth.enabled()) {
            return Uni.createFrom().item(OPEN);
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().item(auth.anonymousRead() ? ANONYMOUS_READER : ANONYMOUS);
        }
        if (!header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1) || header.length() <= SCHEME.length() + 1) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the Authorization header is not a bearer token"));
        }
        String token = header.substring(SCHEME.length() + 1).trim();
        return identityProviderManager.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, "bearer")));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME + " realm=\"" + REALM + "\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME.toLowerCase()));
    }
}
