package io.sslstream.trainer.method;

import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.model.encoder.Encoders;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The method list: one definition per name, each consistent with its own options. */
class MethodsTest {

    static final InputSpec INPUT = new InputSpec(1, 28, 28, List.of(0.286), List.of(0.353));

    @Test
    void theListHoldsTheSevenMethodsOnceEachSimclrFirst() {
        assertThat(Methods.ALL).extracting(MethodDefinition::name)
                .containsExactly("simclr", "moco", "byol", "simsiam", "barlow-twins", "vicreg", "mae");
        assertThat(Methods.named("byol")).isSameAs(Byol.DEFINITION);
        assertThat(Methods.find("swav")).isEmpty();
        assertThatThrownBy(() -> Methods.named("swav")).hasMessage("unknown method 'swav' (known: " + Methods.names() + ")");
    }

    @Test
    void everyDefinitionIsConsistentWithItsDefaults() {
        for (MethodDefinition d : Methods.ALL) {
            Topics.views(d.defaultRecipe()); // a valid recipe name
            MethodSettings s = d.defaults(Encoders.named(d.defaultEncoder()), INPUT);
            assertThat(s.method()).isEqualTo(d.name());
            // the state-shaping keys are hyperparameters the method records, so a resume can compare them
            assertThat(s.describe()).as(d.name()).containsKeys(d.stateShaping().toArray(String[]::new));
            assertThat(s.views()).isEqualTo(d.masked() ? 1 : 2);
        }
    }

    /**
     * A method's own keys are {@code ssl.trainer.<name>.*}, in a mapping Quarkus registers although nothing injects
     * it (only {@code @Unremovable} ones are; without it the application refuses the keys at start).
     */
    @Test
    void everyMethodsOwnMappingIsUnderItsNameAndRegisteredByQuarkus() {
        for (MethodDefinition d : Methods.ALL) {
            d.configMapping().ifPresent(type -> {
                assertThat(type.getAnnotation(ConfigMapping.class).prefix()).isEqualTo("ssl.trainer." + d.name());
                assertThat(type.isAnnotationPresent(Unremovable.class)).as(type.getName()).isTrue();
            });
        }
        assertThat(Methods.ALL).filteredOn(d -> d.configMapping().isPresent()).extracting(MethodDefinition::name)
                .containsExactly("moco", "byol", "barlow-twins", "vicreg", "mae");
    }

    @Test
    void anEncoderOfTheWrongKindOrAMissingHeadIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Mae.DEFINITION.defaults(Encoders.smallCnn(), INPUT)).hasMessageContaining("mae needs a vit encoder");
        assertThatThrownBy(() -> Byol.DEFINITION.defaults(Encoders.vitTiny(), INPUT))
                .hasMessageContaining("byol trains convolutional encoders");
        assertThatThrownBy(() -> new SimSiam.Options(List.of(512), List.of())).hasMessage("simsiam needs a predictor head");
        assertThatThrownBy(() -> MoCo.DEFINITION.settings(Encoders.smallCnn(), INPUT,
                MethodConfig.of(java.util.Map.of("ssl.trainer.moco.queue-size", "0")))).hasMessageContaining("queue size 0");
    }
}
