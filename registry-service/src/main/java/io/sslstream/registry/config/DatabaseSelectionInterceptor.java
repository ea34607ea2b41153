package io.sslstream.registry.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns {@code ssl.registry.database=h2|postgresql} into Quarkus' per-datasource {@code active} switches.
 *
 * <p>Quarkus fixes each datasource's kind at build time, so the registry is built with two: the default one (H2,
 * a file under the data dir) and one named {@value #POSTGRESQL} (PostgreSQL). Exactly one is active at run time;
 * the inactive one opens no pool and runs no migration. An {@code active} value set explicitly wins.
 */
@Priority(Priorities.APPLICATION)
public class DatabaseSelectionInterceptor implements ConfigSourceInterceptor {

    /** Name of the PostgreSQL datasource (its keys are {@code quarkus.datasource.postgresql.*}). */
    public static final String POSTGRESQL = "postgresql";
    static final String DATABASE_KEY = "ssl.registry.database";
    static final String DEFAULT_ACTIVE = "quarkus.datasource.active";
    private static final String NAMED_ACTIVE = "quarkus.datasource." + POSTGRESQL + ".active";
    private static final String NAMED_ACTIVE_QUOTED = "quarkus.datasource.\"" + POSTGRESQL + "\".active";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        boolean defaultDs = DEFAULT_ACTIVE.equals(name);
        boolean namedDs = NAMED_ACTIVE.equals(name) || NAMED_ACTIVE_QUOTED.equals(name);
        if ((!defaultDs && !namedDs) || (value != null && value.getValue() != null)) {
            return value;
        }
        boolean postgres = usesPostgres(context.proceed(DATABASE_KEY));
        String active = Boolean.toString(namedDs == postgres);
        return value != null ? value.withValue(active)
                : ConfigValue.builder().withName(name).withValue(active).withConfigSourceName("ssl.registry.database").build();
    }

    /**
     * Also lists the two switches, so that Quarkus' datasource mapping (which reads only the names it is shown)
     * asks for them even when no source sets them.
     */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(names::add);
        names.add(DEFAULT_ACTIVE);
        names.add(NAMED_ACTIVE);
        return names.iterator();
    }

    static boolean usesPostgres(ConfigValue database) {
        if (database == null || database.getValue() == null) {
            return false;
        }
        return database.getValue().trim().toLowerCase(Locale.ROOT).equals(POSTGRESQL);
    }
}
