package io.sslstream.registry.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The scopes a token carries, which are the roles resources ask for with {@code @RolesAllowed}. Scopes nest:
 * {@value #WRITE} implies {@value #READ}, {@value #ADMIN} implies both.
 */
public final class Scopes {

    /** Read versions, blobs, aliases and evaluations. */
    public static final String READ = "read";
    /** Upload blobs, create versions, post evaluations, set aliases and tags. */
    public static final String WRITE = "write";
    /** Administrative operations (retention on demand). */
    public static final String ADMIN = "admin";

    public static final Set<String> ALL = Set.of(READ, WRITE, ADMIN);

    private Scopes() {
    }

    /**
     * The roles of a token configured with {@code scopes}, implied ones included.
     *
     * @throws IllegalArgumentException naming an unknown scope
     */
    public static Set<String> roles(List<String> scopes) {
        Set<String> roles = new LinkedHashSet<>();
        for (String raw : scopes) {
            String s = raw.trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case ADMIN -> roles.addAll(List.of(ADMIN, WRITE, READ));
                case WRITE -> roles.addAll(List.of(WRITE, READ));
                case READ -> roles.add(READ);
                default -> throw new IllegalArgumentException("unknown scope '" + raw + "' (known: read, write, admin)");
            }
        }
        return roles;
    }
}
