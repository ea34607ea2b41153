package io.sslstream.registry;

import io.sslstream.registry.rest.RegistryProblemMappers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "fmnist-simclr", "enc.v2_small", "0abc"})
    void acceptsLowerCaseNames(String name) {
        assertThat(ModelNames.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "-dash", ".hidden", "a/b", "a..b", "a b", "é"})
    void refusesOthers(String name) {
        assertThat(ModelNames.isValid(name)).isFalse();
    }

    @Test
    void lengthIsBounded() {
        assertThat(ModelNames.isValid("a".repeat(128))).isTrue();
        assertThat(ModelNames.isValid("a".repeat(129))).isFalse();
    }

    @Test
    void requireNamesTheRuleAndTheValue() {
        assertThatThrownBy(() -> ModelNames.require("Bad"))
                .isInstanceOfSatisfying(Refusal.class, p -> {
                    assertThat(p.kind()).isEqualTo(Refusal.Kind.INVALID);
                    assertThat(RegistryProblemMappers.status(p.kind())).isEqualTo(400);
                    assertThat(p.code()).isEqualTo("invalid-model-name");
                    assertThat(p.getMessage()).contains(ModelNames.PATTERN).contains("'Bad'");
                });
        assertThatThrownBy(() -> ModelNames.require(null)).hasMessageContaining("null");
    }
}
