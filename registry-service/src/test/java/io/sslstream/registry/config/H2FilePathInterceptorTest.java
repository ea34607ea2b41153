package io.sslstream.registry.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class H2FilePathInterceptorTest {

    private static final String URL_TEMPLATE = "jdbc:h2:file:${ssl.registry.data-dir}/db/registry;DB_CLOSE_ON_EXIT=FALSE";

    @Test
    void relativeDataDirBecomesAbsoluteAfterExpansion() {
        String expected = Path.of("var/registry/db/registry").toAbsolutePath().normalize() + ";DB_CLOSE_ON_EXIT=FALSE";
        assertThat(url("var/registry")).isEqualTo("jdbc:h2:file:" + expected);
        assertThat(url("./var/registry")).isEqualTo("jdbc:h2:file:" + expected);
    }

    @Test
    void absoluteDataDirIsKept() {
        assertThat(url("/srv/registry")).isEqualTo("jdbc:h2:file:/srv/registry/db/registry;DB_CLOSE_ON_EXIT=FALSE");
    }

    @Test
    void otherUrlsAreUntouched() {
        assertThat(H2FilePathInterceptor.absolutise("jdbc:postgresql://db:5432/registry"))
                .isEqualTo("jdbc:postgresql://db:5432/registry");
        assertThat(H2FilePathInterceptor.absolutise("jdbc:h2:file:~/registry")).isEqualTo("jdbc:h2:file:~/registry");
        assertThat(H2FilePathInterceptor.absolutise("jdbc:h2:mem:test")).isEqualTo("jdbc:h2:mem:test");
    }

    /** The URL as Quarkus would read it: expressions expanded by SmallRye's default interceptors, then ours. */
    private static String url(String dataDir) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new H2FilePathInterceptor())
                .withSources(new PropertiesConfigSource(Map.of(
                        "ssl.registry.data-dir", dataDir,
                        H2FilePathInterceptor.URL_KEY, URL_TEMPLATE), "test", 100))
                .build();
        return config.getValue(H2FilePathInterceptor.URL_KEY, String.class);
    }
}
