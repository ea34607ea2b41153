package io.sslstream.trainer.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.Methods;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Gives {@code ssl.trainer.recipe} a default that follows {@code ssl.trainer.method} (so that
 * {@code ssl.trainer.method=byol} alone reads {@code ssl.views.byol}): the method's
 * {@link MethodDefinition#defaultRecipe()}. Its ordinal is below {@code application.properties}, environment and
 * system properties: any explicit recipe wins. An unknown method gets the first method's recipe here; the run's
 * settings refuse it with the list of methods.
 */
public class MethodDefaultsConfigSourceFactory implements ConfigSourceFactory {

    static final String METHOD = "ssl.trainer.method";
    static final String RECIPE = "ssl.trainer.recipe";
    static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue method = context.getValue(METHOD);
        MethodDefinition m = method == null || method.getValue() == null ? Methods.ALL.get(0)
                : Methods.find(method.getValue()).orElse(Methods.ALL.get(0));
        return List.of(new MapBackedConfigSource("trainer method defaults", Map.of(RECIPE, m.defaultRecipe()), ORDINAL) {
        });
    }
}
