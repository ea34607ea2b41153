package io.sslstream.eval.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolSpecTest {

    @Test
    void parsesTheStandardProtocolsWithTheirTemperatures() {
        assertThat(ProtocolSpec.parseAll(List.of("linear", "linear@100", "knn@20", "knn@200"))).containsExactly(
                new ProtocolSpec("linear", ProtocolSpec.Kind.LINEAR, 0, 0, 0),
                new ProtocolSpec("linear@100", ProtocolSpec.Kind.LINEAR_FEW, 0, 0, 100),
                new ProtocolSpec("knn@20", ProtocolSpec.Kind.KNN, 20, 0.07, 0),
                new ProtocolSpec("knn@200", ProtocolSpec.Kind.KNN, 200, 0.1, 0));
        assertThat(ProtocolSpec.parse(" KNN@50:0.2 ")).isEqualTo(new ProtocolSpec("knn@50", ProtocolSpec.Kind.KNN, 50, 0.2, 0));
    }

    @Test
    void rejectsWhatItCannotReport() {
        assertThatThrownBy(() -> ProtocolSpec.parse("knn@50")).hasMessageContaining("no standard temperature; write it as knn@50:T");
        assertThatThrownBy(() -> ProtocolSpec.parse("svm")).hasMessageContaining("unknown protocol 'svm'");
        assertThatThrownBy(() -> ProtocolSpec.parse("linear@0")).hasMessageContaining("labels per class must be >= 1");
        assertThatThrownBy(() -> ProtocolSpec.parseAll(List.of("knn@20", "knn@20:0.07"))).hasMessageContaining("twice");
    }
}
