package io.sslstream.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the engine reports about the libtorch it loaded, and the refusal of a GPU that is not there. */
class EnginesTest {

    /** This module's tests run with pytorch-native-cpu on the class path and no GPU (as every machine here). */
    @Test
    void reportsTheCpuFlavourItLoadedFromTheNativeJar() {
        Engines.Libtorch lib = Engines.libtorch();
        assertThat(lib.flavour()).isEqualTo("cpu");
        assertThat(lib.cuda()).isFalse();
        assertThat(lib.dir().resolve(System.mapLibraryName("torch"))).isRegularFile();
        assertThat(lib.dir().getFileName().toString()).startsWith(Engines.pytorch().getVersion()).endsWith("-cpu-linux-x86_64");
    }

    @Test
    void aGpuDeviceWithoutAGpuFailsNamingTheFlavourAndTheWayOut() {
        assertThat(Engines.pytorch().getGpuCount()).as("these tests expect a machine without a GPU").isZero();
        assertThatThrownBy(() -> Engines.device("gpu"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 'gpu' configured but the PyTorch engine sees no GPU")
                .hasMessageContaining("libtorch cpu from " + Engines.libtorch().dir())
                .hasMessageContaining("a CPU build")
                .hasMessageContaining("trainer-service -Pgpu");
    }

    @Test
    void theFlavourComesFromDjlsFolderNameOrFromTheCudaLibrary(@TempDir Path tmp) throws IOException {
        Path cu128 = Files.createDirectories(tmp.resolve("2.7.1-cu128-linux-x86_64"));
        Files.createFile(cu128.resolve(System.mapLibraryName("torch_cuda")));
        assertThat(Engines.Libtorch.at(cu128)).isEqualTo(new Engines.Libtorch(cu128, "cu128", true));

        Path cpu = Files.createDirectories(tmp.resolve("2.7.1-20250812-cpu-linux-x86_64"));
        assertThat(Engines.Libtorch.at(cpu).flavour()).isEqualTo("cpu");
        Path precxx11 = Files.createDirectories(tmp.resolve("2.5.1-cpu-precxx11-linux-aarch64"));
        assertThat(Engines.Libtorch.at(precxx11).flavour()).isEqualTo("cpu");

        // PYTORCH_LIBRARY_PATH: any folder; the CUDA library decides
        Path custom = Files.createDirectories(tmp.resolve("libtorch/lib"));
        assertThat(Engines.Libtorch.at(custom).flavour()).isEqualTo("cpu");
        Files.createFile(custom.resolve(System.mapLibraryName("torch_cuda")));
        assertThat(Engines.Libtorch.at(custom)).isEqualTo(new Engines.Libtorch(custom, "cuda", true));
    }
}
