package io.sslstream.registry.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.nio.file.Path;

/**
 * Makes the file path of an embedded H2 datasource URL absolute.
 *
 * <p>The URL is {@code jdbc:h2:file:${ssl.registry.data-dir}/db/registry}, and the data dir may be relative (its
 * default, {@code var/registry}, is). H2 refuses implicitly relative paths (error 90011: it wants {@code ./name}),
 * while the blob store resolves the same dir against the working directory. Resolving the path here against the
 * same working directory keeps database and blobs side by side whatever form the dir is given in. Registered as
 * a service, so Quarkus applies it to every configuration lookup; it runs after expression expansion (its
 * priority is above the expression interceptor's), so it sees the expanded URL.
 */
@Priority(Priorities.APPLICATION)
public class H2FilePathInterceptor implements ConfigSourceInterceptor {

    static final String URL_KEY = "quarkus.datasource.jdbc.url";
    private static final String H2_FILE = "jdbc:h2:file:";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || value.getValue() == null || !URL_KEY.equals(name)) {
            return value;
        }
        String url = absolutise(value.getValue());
        return url.equals(value.getValue()) ? value : value.withValue(url);
    }

    /** {@code jdbc:h2:file:rel/db;OPT=1} becomes {@code jdbc:h2:file:/cwd/rel/db;OPT=1}; other URLs are unchanged. */
    static String absolutise(String url) {
        if (!url.startsWith(H2_FILE)) {
            return url;
        }
        int end = url.indexOf(';');
        String path = end < 0 ? url.substring(H2_FILE.length()) : url.substring(H2_FILE.length(), end);
        if (path.isEmpty() || path.startsWith("~")) {
            return url;
        }
        String absolute = Path.of(path).toAbsolutePath().normalize().toString();
        return H2_FILE + absolute + (end < 0 ? "" : url.substring(end));
    }
}
