package io.sslstream.trainer;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GPU image's steps that can run without Docker or a GPU (src/main/docker/Dockerfile.gpu): fetching the CUDA
 * libtorch into DJL's cache layout, from a local copy of DJL's file index standing in for the download; DJL 0.36 itself
 * going to that folder, offline, when the CPU native jar is not on the class path; and the entrypoint passing the
 * JVM options. Loading a real CUDA libtorch needs the download and a GPU: not done here.
 */
class GpuImageScriptsTest {

    static final Path DOCKER = Path.of("src/main/docker");
    static final Path FETCH = DOCKER.resolve("gpu/fetch-libtorch.sh");
    static final Path RUN_JAVA = DOCKER.resolve("gpu/run-java.sh");
    static final String CLASSIFIER = "linux-x86_64";

    @TempDir
    Path tmp;
    Path published;
    Path cache;

    /** A stand-in for https://publish.djl.ai/pytorch/2.7.1: its index and gzipped "libraries" (text, not ELF). */
    @BeforeEach
    void publish() throws IOException {
        published = Files.createDirectories(tmp.resolve("publish"));
        cache = tmp.resolve("cache");
        publishFiles("cpu/linux-x86_64/native/lib/libtorch.so", "cu128/linux-x86_64/native/lib/libc10.so",
                "cu128/linux-x86_64/native/lib/libtorch.so", "cu128/linux-x86_64/native/lib/libtorch_cuda.so",
                "cu128/linux-x86_64/native/lib/libnvrtc-builtins%2Bcu128.so.12.8");
    }

    private void publishFiles(String... paths) throws IOException {
        Path version = Files.createDirectories(published.resolve(pytorchVersion()));
        Files.writeString(version.resolve("files.txt"), Arrays.stream(paths).map(p -> p + ".gz\n").collect(Collectors.joining()));
        for (String p : paths) {
            // the index lists names URL-encoded; the server holds them decoded
            Path gz = version.resolve(URLDecoder.decode(p, StandardCharsets.UTF_8) + ".gz");
            Files.createDirectories(gz.getParent());
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
                out.write(("stand-in for " + p).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void fetchesTheCudaFlavourAndItsJniLibraryIntoDjlsCacheLayout() throws Exception {
        Result r = fetch("cu128");
        assertThat(r.exit).as(r.output).isZero();
        Path dir = cache.resolve("pytorch/" + pytorchVersion() + "-cu128-" + CLASSIFIER);
        String jni = Engine.getDjlVersion() + "-libdjl_torch.so";
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("libc10.so", "libtorch.so",
                    "libtorch_cuda.so", "libnvrtc-builtins+cu128.so.12.8", jni);
        }
        assertThat(dir.resolve("libtorch_cuda.so")).hasContent("stand-in for cu128/linux-x86_64/native/lib/libtorch_cuda.so");
        try (ZipFile jar = new ZipFile(jniJar().toFile())) {
            assertThat(Files.size(dir.resolve(jni))).as("the cu128 JNI library of the real pytorch-jni jar")
                    .isEqualTo(jar.getEntry("jnilib/" + CLASSIFIER + "/cu128/libdjl_torch.so").getSize()).isGreaterThan(1_000_000);
        }
        try (Stream<Path> left = Files.list(cache.resolve("pytorch"))) {
            assertThat(left).as("no work folder left behind").containsExactly(dir);
        }
    }

    @Test
    void aFlavourDjlDoesNotPublishFailsNamingThoseItDoes() throws Exception {
        Result r = fetch("cu124");
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("lists no cu124 build for linux-x86_64").contains("flavours listed: cpu cu128");
        assertThat(cache.resolve("pytorch/" + pytorchVersion() + "-cu124-" + CLASSIFIER)).doesNotExist();
    }

    @Test
    void aBuildWithoutTheCudaLibraryOrTheJniLibraryFails() throws Exception {
        publishFiles("cu128/linux-x86_64/native/lib/libtorch.so");
        Result noCuda = fetch("cu128");
        assertThat(noCuda.exit).isNotZero();
        assertThat(noCuda.output).contains("cu128/linux-x86_64 has no libtorch_cuda.so");

        publishFiles("cu126/linux-x86_64/native/lib/libtorch.so", "cu126/linux-x86_64/native/lib/libtorch_cuda.so");
        Result noJni = fetch("cu126");
        assertThat(noJni.exit).isNotZero();
        assertThat(noJni.output).contains("has no jnilib/linux-x86_64/cu126/libdjl_torch.so");
    }

    /**
     * DJL 0.36, as the GPU image runs it: no pytorch-native-cpu jar, PYTORCH_FLAVOR=cu128, offline. It must go to the
     * folder the script filled, not to the network and not to a CPU build; the stand-in files then fail to load, and
     * the error names the file DJL tried.
     */
    @Test
    void djlWithoutTheCpuJarLoadsFromTheFetchedFolderOffline() throws Exception {
        assertThat(fetch("cu128").exit).isZero();
        Path dir = cache.resolve("pytorch/" + pytorchVersion() + "-cu128-" + CLASSIFIER);
        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)).filter(e -> !e.contains("pytorch-native-cpu")).collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath).contains("pytorch-engine").contains("pytorch-jni");

        Result r = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                "io.sslstream.model.EngineInfo"), Map.of("DJL_CACHE_DIR", cache.toString(), "PYTORCH_FLAVOR", "cu128",
                "DJL_OFFLINE", "true"));
        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains(dir.toString()).doesNotContain("Offline mode").doesNotContain("Downloading");
    }

    @Test
    void theEntrypointPassesTheImagesOptionsThenTheDeployers() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path args = tmp.resolve("args");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '" + args + "'\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();

        Result r = run(List.of("sh", RUN_JAVA.toString()), Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH"),
                "JAVA_OPTS", "-Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "JAVA_OPTS_APPEND", "-XX:MaxRAMPercentage=50 -Dai.djl.pytorch.num_threads=4"));
        assertThat(r.exit).as(r.output).isZero();
        assertThat(Files.readAllLines(args)).containsExactly("-Dquarkus.http.host=0.0.0.0",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-XX:MaxRAMPercentage=50",
                "-Dai.djl.pytorch.num_threads=4", "-jar", "/deployments/quarkus-run.jar");
    }

    /** The Dockerfile names the versions and the jar of this build: an upgrade of DJL must change it too. */
    @Test
    void theDockerfileFetchesForTheDjlAndPytorchVersionsOfThisBuild() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile.gpu")).replaceAll("\\\\\\R\\s*", " ");
        Matcher m = Pattern.compile("fetch-libtorch\\.sh\\s+(\\S+)\\s+(\\S+)\\s+\"\\$PYTORCH_FLAVOR\"\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s").matcher(dockerfile);
        assertThat(m.find()).as("the fetch-libtorch.sh step in Dockerfile.gpu").isTrue();
        assertThat(m.group(2)).isEqualTo(pytorchVersion());
        assertThat(m.group(3)).isEqualTo(CLASSIFIER);
        assertThat(m.group(4)).isEqualTo(Engine.getDjlVersion());
        assertThat(m.group(5)).isEqualTo("/deployments/lib/main/ai.djl.pytorch." + jniJar().getFileName());
        assertThat(dockerfile).contains("PYTORCH_FLAVOR=cu128").contains("ENTRYPOINT [ \"/deployments/bin/run-java.sh\" ]");
    }

    private Result fetch(String flavour) throws Exception {
        return run(List.of("sh", FETCH.toString(), published.toUri().toString().replaceAll("/$", ""), pytorchVersion(),
                flavour, CLASSIFIER, Engine.getDjlVersion(), jniJar().toString(), cache.toString()), Map.of());
    }

    /** The PyTorch version DJL's engine was built for (2.7.1), without loading libtorch. */
    private static String pytorchVersion() {
        try (InputStream in = Engine.class.getClassLoader().getResourceAsStream("pytorch-engine.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("pytorch_version");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path jniJar() {
        String entry = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)).filter(e -> e.matches(".*pytorch-jni-[^/]*\\.jar")).findFirst().orElseThrow();
        return Path.of(entry);
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().remove("PYTORCH_FLAVOR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(p.exitValue(), out);
    }
}
