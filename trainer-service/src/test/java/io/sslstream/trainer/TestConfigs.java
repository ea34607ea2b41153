package io.sslstream.trainer;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sslstream.trainer.config.MethodDefaultsConfigSourceFactory;
import io.sslstream.trainer.config.TrainerConfig;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.Methods;

import java.util.HashMap;
import java.util.Map;

/** The trainer's configuration outside Quarkus, built as Quarkus builds it, for plain unit tests. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * The mappings (the trainer's and every method's own), the method-defaults source, and these properties.
     */
    public static SmallRyeConfig config(Map<String, String> props) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withMapping(TrainerConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter()) // "30s" as Quarkus reads it
                .withSources(new PropertiesConfigSource(props, "test", 250))
                .withSources(new MethodDefaultsConfigSourceFactory())
                .addDefaultInterceptors();
        for (MethodDefinition d : Methods.ALL) {
            d.configMapping().ifPresent(builder::withMapping);
        }
        return builder.build();
    }

    /** {@code key, value, key, value...} as properties. */
    public static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    public static TrainerConfig trainer(Map<String, String> props) {
        return config(props).getConfigMapping(TrainerConfig.class);
    }

    public static RunSettings settings(Map<String, String> props) {
        SmallRyeConfig config = config(props);
        return RunSettings.from(config.getConfigMapping(TrainerConfig.class), config);
    }
}
