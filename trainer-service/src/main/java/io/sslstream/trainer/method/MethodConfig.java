package io.sslstream.trainer.method;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a method reads its options: the head keys that several methods share ({@value #PROJECTION},
 * {@value #PREDICTOR}, {@value #TEMPERATURE}, declared in {@code TrainerConfig.Optim}; unset, each method has its own
 * default) and the method's own {@code @ConfigMapping} of {@code ssl.trainer.<method>.*}.
 */
public final class MethodConfig {

    /** Projection head sizes. */
    public static final String PROJECTION = "ssl.trainer.optim.projection";
    /** Predictor head sizes. */
    public static final String PREDICTOR = "ssl.trainer.optim.predictor";
    /** Softmax temperature. */
    public static final String TEMPERATURE = "ssl.trainer.optim.temperature";

    private final Optional<List<Integer>> projection;
    private final Optional<List<Integer>> predictor;
    private final Optional<Double> temperature;
    private final SmallRyeConfig mappings;

    /**
     * @param projection  {@value #PROJECTION} if set
     * @param predictor   {@value #PREDICTOR} if set
     * @param temperature {@value #TEMPERATURE} if set
     * @param mappings    the configuration the methods' own mappings are registered in (Quarkus registers every
     *                    {@code @ConfigMapping} of the application)
     */
    public MethodConfig(Optional<List<Integer>> projection, Optional<List<Integer>> predictor, Optional<Double> temperature,
                        SmallRyeConfig mappings) {
        this.projection = projection.map(List::copyOf);
        this.predictor = predictor.map(List::copyOf);
        this.temperature = Objects.requireNonNull(temperature);
        this.mappings = Objects.requireNonNull(mappings);
    }

    /**
     * Options given as configuration properties, outside Quarkus (tests, benchmarks): any method's keys, e.g.
     * {@code ssl.trainer.moco.queue-size=40}; keys of other methods are ignored, unset keys take their defaults.
     */
    public static MethodConfig of(Map<String, String> properties) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "method options", 100))
                .withValidateUnknown(false);
        for (MethodDefinition d : Methods.ALL) {
            d.configMapping().ifPresent(builder::withMapping);
        }
        SmallRyeConfig config = builder.build();
        return new MethodConfig(config.getOptionalValues(PROJECTION, Integer.class), config.getOptionalValues(PREDICTOR, Integer.class),
                config.getOptionalValue(TEMPERATURE, Double.class), config);
    }

    /** Every method's defaults. */
    public static MethodConfig defaults() {
        return of(Map.of());
    }

    /** {@value #PROJECTION}, or the method's default. */
    public List<Integer> projection(List<Integer> methodDefault) {
        return projection.orElse(methodDefault);
    }

    /** {@value #PREDICTOR}, or the method's default. */
    public List<Integer> predictor(List<Integer> methodDefault) {
        return predictor.orElse(methodDefault);
    }

    /** {@value #TEMPERATURE}, or the method's default. */
    public double temperature(double methodDefault) {
        return temperature.orElse(methodDefault);
    }

    /** A method's own keys. */
    public <T> T mapping(Class<T> type) {
        return mappings.getConfigMapping(type);
    }
}
