package io.sslstream.service.fault;

import io.quarkus.logging.Log;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Named places in the code where a fault test can hold a process still, so that a {@code kill -9} lands exactly
 * there (for example between "the registry created the version" and "the trainer deleted its spool file", a window
 * of milliseconds). Off unless configured: {@code ssl.failpoints=NAME=pause:MILLIS[,NAME=pause:MILLIS...]}
 * (system property or environment variable {@code SSL_FAILPOINTS}). A configured point logs
 * {@code failpoint reached: NAME} before it pauses, which is what a fault test waits for in the log.
 *
 * <p>Production code calls {@link #hit(String)}; with nothing configured that is one map lookup.
 */
public final class Failpoints {

    /** The configuration key. */
    public static final String KEY = "ssl.failpoints";
    /** The line a configured point logs, followed by its name. */
    public static final String REACHED = "failpoint reached: ";

    private static volatile Map<String, Long> pauses;

    private Failpoints() {
    }

    /** Pauses here if the failpoint {@code name} is configured; returns at once otherwise. */
    public static void hit(String name) {
        Long ms = configured().get(name);
        if (ms == null) {
            return;
        }
        Log.warnf("%s%s (pausing %d ms)", REACHED, name, ms);
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The configured points and their pauses. */
    static Map<String, Long> configured() {
        Map<String, Long> p = pauses;
        if (p == null) {
            String spec;
            try {
                spec = ConfigProvider.getConfig().getOptionalValue(KEY, String.class).orElse("");
            } catch (IllegalStateException noConfig) {
                spec = Optional.ofNullable(System.getProperty(KEY)).orElse("");
            }
            p = parse(spec);
            pauses = p;
        }
        return p;
    }

    /** {@code a=pause:100,b=pause:2000}; anything else is an {@link IllegalArgumentException} naming the entry. */
    static Map<String, Long> parse(String spec) {
        Map<String, Long> p = new ConcurrentHashMap<>();
        if (spec == null || spec.isBlank()) {
            return p;
        }
        for (String entry : spec.split(",")) {
            String[] kv = entry.trim().split("=", 2);
            if (kv.length != 2 || !kv[1].startsWith("pause:")) {
                throw new IllegalArgumentException(KEY + " entries are NAME=pause:MILLIS, got '" + entry + "'");
            }
            try {
                p.put(kv[0].trim(), Long.parseLong(kv[1].substring("pause:".length()).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEY + " entries are NAME=pause:MILLIS, got '" + entry + "'", e);
            }
        }
        return p;
    }
}
