package io.sslstream.trainer.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import io.sslstream.trainer.method.MethodSettings;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Gives {@code ssl.trainer.recipe} a default that follows {@code ssl.trainer.method} (so that
 * {@code ssl.trainer.method=byol} alone reads {@code ssl.views.byol}). Its ordinal is below
 * {@code application.properties}, environment and system properties: any explicit recipe wins.
 */
public class MethodDefaultsConfigSourceFactory implements ConfigSourceFactory {

    static final String METHOD = "ssl.trainer.method";
    static final String RECIPE = "ssl.trainer.recipe";
    static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue method = context.getValue(METHOD);
        String m = method == null || method.getValue() == null ? MethodSettings.SIMCLR : method.getValue();
        return List.of(new MapBackedConfigSource("trainer method defaults", Map.of(RECIPE, MethodSettings.defaultRecipe(m)), ORDINAL) {
        });
    }
}
