package io.sslstream.trainer.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.RunSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration to run settings: per-method defaults, validation, and which checkpoints a run may resume. */
class RunSettingsTest {

    /** The trainer's configuration as Quarkus builds it: the mapping, the method-defaults source, and these properties. */
    static SmallRyeConfig config(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withMapping(TrainerConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter()) // "30s" as Quarkus reads it
                .withSources(new PropertiesConfigSource(props, "test", 250))
                .withSources(new MethodDefaultsConfigSourceFactory())
                .addDefaultInterceptors()
                .build();
    }

    static RunSettings settings(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return RunSettings.from(config(props).getConfigMapping(TrainerConfig.class));
    }

    @Test
    void theRecipeAndEncoderFollowTheMethodUnlessSet() {
        assertThat(settings().recipe()).isEqualTo("simclr");
        assertThat(settings("ssl.trainer.method", "byol").recipe()).isEqualTo("byol");
        assertThat(settings("ssl.trainer.method", "vicreg").recipe()).isEqualTo("byol");
        assertThat(settings("ssl.trainer.method", "moco").recipe()).isEqualTo("simclr");
        assertThat(settings("ssl.trainer.method", "byol", "ssl.trainer.recipe", "simclr").recipe()).isEqualTo("simclr");
        RunSettings mae = settings("ssl.trainer.method", "mae");
        assertThat(mae.recipe()).isEqualTo("mae");
        assertThat(mae.encoder()).isEqualTo("vit-tiny");
        assertThat(mae.requirements()).isEqualTo(new RunSettings.Requirements(1, 4, 7, 7));
        // the topic expression of application.properties sees the same default
        Map<String, String> topic = Map.of("ssl.trainer.method", "barlow-twins", "t", "ssl.views.${ssl.trainer.recipe}");
        assertThat(config(topic).getValue("t", String.class)).isEqualTo("ssl.views.byol");
    }

    @Test
    void methodDefaultsAndOverridesReachTheSettings() {
        RunSettings moco = settings("ssl.trainer.method", "moco", "ssl.trainer.max-steps", "500");
        assertThat(moco.method().temperature()).isEqualTo(0.2);
        assertThat(moco.method().totalSteps()).isEqualTo(500);
        assertThat(moco.learner().optimizer().schedule().totalSteps()).isEqualTo(500);
        RunSettings simclr = settings("ssl.trainer.optim.temperature", "0.1", "ssl.trainer.optim.projection", "256,128",
                "ssl.trainer.encoder", "resnet18", "ssl.trainer.optim.name", "lars", "ssl.trainer.optim.schedule.warmup-steps", "10");
        assertThat(simclr.method().temperature()).isEqualTo(0.1);
        assertThat(simclr.method().projection()).containsExactly(256, 128);
        assertThat(simclr.method().architecture()).isEqualTo(Encoders.resnet18());
        assertThat(simclr.hyperparameters()).containsEntry("optimizer", "lars").containsEntry("warmup_steps", 10L)
                .containsEntry("temperature", 0.1).containsEntry("encoder", "resnet18");
        assertThatThrownBy(() -> settings("ssl.trainer.method", "swav")).hasMessageContaining("unknown method 'swav'");
        assertThatThrownBy(() -> settings("ssl.trainer.method", "mae", "ssl.trainer.encoder", "small-cnn"))
                .hasMessageContaining("mae needs a vit encoder");
        assertThatThrownBy(() -> settings("ssl.trainer.optim.name", "adam")).hasMessageContaining("adamw, sgd or lars");
    }

    static CheckpointManifest manifestOf(RunSettings s, Map<String, Object> hp) {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, s.modelName(), s.runId(), s.method().method(),
                s.method().architecture(), s.method().input(), 100, 25600, 0, "h", hp, Map.of(), Map.of(), Map.of());
    }

    @Test
    void aRunResumesItsOwnConfigurationAndRefusesAnother() {
        RunSettings run = settings("ssl.trainer.method", "byol");
        assertThat(run.incompatibilities(manifestOf(run, run.hyperparameters()))).isEmpty();
        assertThat(run.configHash()).isEqualTo(settings("ssl.trainer.method", "byol").configHash());

        // learning rate and batch size may change between restarts: allowed, and listed
        RunSettings faster = settings("ssl.trainer.method", "byol", "ssl.trainer.optim.learning-rate", "0.002",
                "ssl.trainer.batch-size", "128");
        assertThat(faster.incompatibilities(manifestOf(run, run.hyperparameters()))).isEmpty();
        assertThat(faster.changes(manifestOf(run, run.hyperparameters())))
                .containsExactlyInAnyOrder("learning_rate: 0.001 -> 0.002", "batch_size: 256 -> 128");
        assertThat(faster.configHash()).isNotEqualTo(run.configHash());

        // another method, encoder or head shape: refused, with the reason
        RunSettings simclr = settings();
        assertThat(simclr.incompatibilities(manifestOf(run, run.hyperparameters())))
                .anyMatch(w -> w.startsWith("method byol (this run: simclr)"));
        RunSettings wide = settings("ssl.trainer.method", "byol", "ssl.trainer.optim.projection", "1024,128");
        assertThat(wide.incompatibilities(manifestOf(run, run.hyperparameters())))
                .containsExactly("projection [512, 128] (this run: [1024, 128])");
        RunSettings resnet = settings("ssl.trainer.method", "byol", "ssl.trainer.encoder", "resnet18");
        assertThat(resnet.incompatibilities(manifestOf(run, run.hyperparameters()))).anyMatch(w -> w.startsWith("architecture "));
        assertThat(List.copyOf(RunSettings.STATE_SHAPING)).contains("optimizer", "projection", "queue_size");
    }
}
