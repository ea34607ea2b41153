package io.sslstream.cli;

import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.Methods;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackMethodsTest {

    /** ./stack's table is the trainer's: every method, in its order, with the recipe the trainer reads by default. */
    @Test
    void theStackKnowsEveryTrainerMethodAndItsRecipe() {
        Map<String, String> trainer = new LinkedHashMap<>();
        for (MethodDefinition d : Methods.ALL) {
            trainer.put(d.name(), d.defaultRecipe());
        }
        assertThat(StackMethods.RECIPES).containsExactlyEntriesOf(trainer);
        assertThat(StackMethods.RECIPES).containsKey(StackMethods.DEFAULT);
        assertThat(StackMethods.TRAINER_DEFAULT).isEqualTo(Methods.ALL.get(0).name());
        for (MethodDefinition d : Methods.ALL) { // the stack's wider small CNN goes to exactly the methods that train one
            assertThat(StackMethods.trainsSmallCnn(d.name())).as(d.name()).isEqualTo(d.defaultEncoder().equals("small-cnn"));
        }
    }

    /** The default is the configuration measured best: Barlow Twins with LARS on the wider small CNN. */
    @Test
    void theDefaultIsBarlowTwinsWithLarsOnTheWiderSmallCnn() {
        assertThat(StackMethods.DEFAULT).isEqualTo("barlow-twins");
        assertThat(StackMethods.DEFAULT_WIDTHS).isEqualTo("32,64,128,512");
        assertThat(StackMethods.trainerSettings("barlow-twins")).containsEntry("ssl.trainer.optim.name", "lars")
                .containsEntry("ssl.trainer.optim.learning-rate", "0.2").containsEntry("ssl.trainer.optim.weight-decay", "1.5e-6");
        assertThat(StackMethods.trainerSettings("simclr")).isEmpty();
        assertThat(StackMethods.trainerSettings("mae")).isEmpty();
        StackMethods.checkWidths(StackMethods.DEFAULT_WIDTHS);
        StackMethods.checkWidths("32, 64, 128, 128");
        for (String bad : new String[]{"32,64,128", "32,64,128,0", "32,64,x,512", "32,64,128,512,", ""}) {
            assertThatThrownBy(() -> StackMethods.checkWidths(bad)).as(bad).hasMessageContaining("four positive integers")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void withMethodSetsTheTrainerMethodAndTheAugmenterRecipe() {
        LocalStack stack = new LocalStack(new LocalStack.Options(Path.of("."), Path.of("target/none"), Path.of("."), "m", 8, 1,
                java.time.Duration.ZERO, 1, 10, 10, 1), new PrintStream(new ByteArrayOutputStream()));
        assertThat(stack.recipe()).isEqualTo("simclr");
        assertThat(stack.withMethod("barlow-twins").recipe()).isEqualTo("byol");
        assertThat(stack.withMethod("mae").recipe()).isEqualTo("mae");
        assertThatThrownBy(() -> stack.withMethod("dino")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown method 'dino'").hasMessageContaining("vicreg");
    }
}
