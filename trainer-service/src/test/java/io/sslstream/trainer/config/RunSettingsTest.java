package io.sslstream.trainer.config;

import io.smallrye.config.SmallRyeConfig;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.RunSettings;
import io.sslstream.trainer.TestConfigs;
import io.sslstream.trainer.method.Methods;
import io.sslstream.trainer.method.MoCo;
import io.sslstream.trainer.method.SimClr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration to run settings: per-method defaults, validation, and which checkpoints a run may resume. */
class RunSettingsTest {

    /** The trainer's configuration as Quarkus builds it: the mappings, the method-defaults source, and these properties. */
    static SmallRyeConfig config(Map<String, String> props) {
        return TestConfigs.config(props);
    }

    static RunSettings settings(String... keyValues) {
        return TestConfigs.settings(TestConfigs.props(keyValues));
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
        assertThat(moco.method().options()).isInstanceOfSatisfying(MoCo.Options.class, o -> assertThat(o.temperature()).isEqualTo(0.2));
        assertThat(moco.method().totalSteps()).isEqualTo(500);
        assertThat(moco.learner().optimizer().schedule().totalSteps()).isEqualTo(500);
        RunSettings simclr = settings("ssl.trainer.optim.temperature", "0.1", "ssl.trainer.optim.projection", "256,128",
                "ssl.trainer.encoder", "resnet18", "ssl.trainer.optim.name", "lars", "ssl.trainer.optim.schedule.warmup-steps", "10");
        assertThat(simclr.method().options()).isInstanceOfSatisfying(SimClr.Options.class, o -> {
            assertThat(o.temperature()).isEqualTo(0.1);
            assertThat(o.projection()).containsExactly(256, 128);
        });
        assertThat(simclr.method().architecture()).isEqualTo(Encoders.resnet18());
        assertThat(simclr.hyperparameters()).containsEntry("optimizer", "lars").containsEntry("warmup_steps", 10L)
                .containsEntry("temperature", 0.1).containsEntry("encoder", "resnet18");
        assertThatThrownBy(() -> settings("ssl.trainer.method", "swav")).hasMessageContaining("unknown method 'swav'");
        assertThatThrownBy(() -> settings("ssl.trainer.method", "mae", "ssl.trainer.encoder", "small-cnn"))
                .hasMessageContaining("mae needs a vit encoder");
        assertThatThrownBy(() -> settings("ssl.trainer.optim.name", "adam")).hasMessageContaining("adamw, sgd or lars");
    }

    @Test
    void theSmallCnnCanBeWiderAndARunDoesNotResumeAnotherWidth() {
        RunSettings wide = settings("ssl.trainer.method", "barlow-twins", "ssl.trainer.encoder-widths", "32,64,128,256");
        assertThat(wide.method().architecture()).isEqualTo(Encoders.smallCnn(List.of(32, 64, 128, 256)));
        assertThat(Encoders.featureDim(wide.method().architecture())).isEqualTo(256);
        assertThat(wide.hyperparameters()).containsEntry("encoder_widths", List.of(32, 64, 128, 256));
        RunSettings narrow = settings("ssl.trainer.method", "barlow-twins");
        assertThat(narrow.hyperparameters()).doesNotContainKey("encoder_widths");
        assertThat(wide.configHash()).isNotEqualTo(narrow.configHash());
        assertThat(wide.incompatibilities(manifestOf(narrow, narrow.hyperparameters()))).singleElement().asString().startsWith("architecture");
        assertThatThrownBy(() -> settings("ssl.trainer.encoder", "resnet18", "ssl.trainer.encoder-widths", "32,64,128,256"))
                .hasMessageContaining("encoder-widths applies to the small-cnn encoder, not resnet18");
        assertThatThrownBy(() -> settings("ssl.trainer.encoder-widths", "32,64,128"))
                .hasMessageContaining("small-cnn needs 4 positive widths, got [32, 64, 128]");
    }

    /**
     * The hyperparameters a checkpoint's manifest records, and so the config hash, are what they were before the
     * methods each moved into a file of their own (values taken from the trainer before that change): checkpoints
     * written by older trainers keep resuming, and their config hashes keep matching.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "simclr|277f3a6722c5e742f94e427699e9eb246f8924833285030a9b1b987d2a50bd83|projection=[128, 64], temperature=0.5",
            "moco|a2c838be3cc5160a1fbd121359e95d4f651f72d0f91b408687a5e4f3096012fa|projection=[128, 64], temperature=0.2, queue_size=4096, key_momentum=0.99",
            "byol|565048ed46164bf86fd62f95664b6a569488c9391a65b4074b58bdbfa84b6fc8|projection=[512, 128], predictor=[512, 128], target_momentum=0.99",
            "simsiam|962eacff7fefab29dae37ef709610fb7de886d5d0617f454c435229617e53faa|projection=[512, 512], predictor=[128, 512]",
            "barlow-twins|75f449b726e83f231ab6d95caa1b3aab251427963e1cb12d4ad477876495f80b|projection=[512, 512, 512], lambda=0.0051",
            "vicreg|399f1dba513cf4ac35b2691c51e0fbdf189d2ac09238c48d77a2bb5bf5e7a48c|projection=[512, 512, 512], sim_coeff=25.0, var_coeff=25.0, cov_coeff=1.0",
            "mae|61f586b1e655e6d6f572420642336c9c1ad035ceea3506726e99b272bf21ccca|decoder_dim=128, decoder_depth=2, decoder_heads=4, norm_pix_loss=true"})
    void eachMethodsDefaultsGiveTheHyperparametersAndHashOfEarlierTrainers(String method, String hash, String own) {
        RunSettings s = settings("ssl.trainer.method", method);
        String common = "method=" + method + ", encoder=" + (method.equals("mae") ? "vit-tiny" : "small-cnn") + ", recipe="
                + Methods.named(method).defaultRecipe() + ", batch_size=256, optimizer=adamw, learning_rate=0.001, weight_decay=0.0, "
                + "warmup_steps=0, schedule_steps=0, final_lr_fraction=0.0, beta1=0.9, beta2=0.999, ";
        assertThat(s.hyperparameters()).hasToString("{" + common + own + "}");
        assertThat(s.configHash()).isEqualTo(hash);
    }

    /** Every method's own keys ({@code ssl.trainer.<method>.*}) and the shared head keys reach it, as they did before. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "simclr|d1dee71f8b014265f6641647900cb868188b472d19a307adaa699beb349132b2|projection=[64, 32], temperature=0.3",
            "moco|1ae2300416d95265dd2ed26ce41fa7c3a04e95069f11a6024f725e4cf333e99d|projection=[64, 32], temperature=0.3, queue_size=100, key_momentum=0.9",
            "byol|b1ad0f4e0f4e475f39e799c11ee91f0ee6f9b9246a56b21fe96414a100e62fa4|projection=[64, 32], predictor=[32, 32], target_momentum=0.95",
            "simsiam|f84a6d8faf1d31b9ec8b7bc739fe4c05a24ab3d3199456b3ef8820dc97f7a70f|projection=[64, 32], predictor=[32, 32]",
            "barlow-twins|0343d70ab5f1fcb04a80e671675f3ed1d4fa6733df13cb2ea584617eb745e159|projection=[64, 32], lambda=0.01",
            "vicreg|82192b1f607ea952589a7a5db734c4d2635f38d93e463ebec861c959dbc23002|projection=[64, 32], sim_coeff=20.0, var_coeff=21.0, cov_coeff=2.0",
            "mae|f33b9b47d18736e4fa928b19231e895b9d80f2025da1d65854aee5d6cd15a28a|decoder_dim=64, decoder_depth=3, decoder_heads=2, norm_pix_loss=false"})
    void eachMethodReadsItsOwnKeys(String method, String hash, String own) {
        RunSettings s = settings("ssl.trainer.method", method, "ssl.trainer.moco.queue-size", "100", "ssl.trainer.moco.momentum", "0.9",
                "ssl.trainer.byol.momentum", "0.95", "ssl.trainer.barlow-twins.lambda", "0.01", "ssl.trainer.vicreg.sim-coeff", "20",
                "ssl.trainer.vicreg.var-coeff", "21", "ssl.trainer.vicreg.cov-coeff", "2", "ssl.trainer.mae.decoder-dim", "64",
                "ssl.trainer.mae.decoder-depth", "3", "ssl.trainer.mae.decoder-heads", "2", "ssl.trainer.mae.norm-pix-loss", "false",
                "ssl.trainer.optim.temperature", "0.3", "ssl.trainer.optim.projection", "64,32", "ssl.trainer.optim.predictor", "32,32",
                "ssl.trainer.max-steps", "50");
        assertThat(s.hyperparameters().toString()).endsWith(", " + own + "}");
        assertThat(s.configHash()).isEqualTo(hash);
        assertThat(s.method().totalSteps()).isEqualTo(50);
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
