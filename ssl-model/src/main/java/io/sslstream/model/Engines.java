package io.sslstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way to reach DJL's PyTorch engine: offline (no download, no call home) and with the thread
 * counts logged, so that every service starts libtorch the same way.
 */
public final class Engines {

    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);
    private static volatile boolean reported;

    private Engines() {
    }

    /**
     * The PyTorch engine. Sets {@code ai.djl.offline=true} unless the JVM says otherwise: DJL must find
     * the natives on the classpath ({@code pytorch-native-cpu}) and never download or report anything.
     */
    public static Engine pytorch() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (!reported) {
            reported = true;
            Libtorch lib = Libtorch.at(Path.of(LibUtils.getLibtorchPath()));
            LOG.info("PyTorch {} on DJL {}: libtorch flavour {} from {}, {} GPU(s) visible", engine.getVersion(),
                    Engine.getDjlVersion(), lib.flavour(), lib.dir(), engine.getGpuCount());
        }
        return engine;
    }

    /** The libtorch the engine loaded (loading it first). */
    public static Libtorch libtorch() {
        pytorch();
        return Libtorch.at(Path.of(LibUtils.getLibtorchPath()));
    }

    /**
     * A libtorch folder and its flavour: {@code cpu}, or the CUDA build it is ({@code cu128}). DJL names the folders it
     * extracts or downloads {@code <version>-<flavour>-<os>-<arch>} (e.g. {@code 2.7.1-cu128-linux-x86_64}); a folder
     * named otherwise ({@code PYTORCH_LIBRARY_PATH}) is {@code cuda} or {@code cpu} by whether it holds libtorch_cuda.
     */
    public record Libtorch(Path dir, String flavour, boolean cuda) {

        private static final Pattern DJL_FOLDER = Pattern.compile(".+-(cpu|cu\\d+)(-precxx11)?-(linux|osx|win)-[a-z0-9_]+");

        public static Libtorch at(Path dir) {
            boolean cuda = Files.exists(dir.resolve(System.mapLibraryName("torch_cuda")));
            Matcher m = DJL_FOLDER.matcher(dir.getFileName().toString());
            return new Libtorch(dir, m.matches() ? m.group(1) : cuda ? "cuda" : "cpu", cuda);
        }
    }

    /** {@code cpu} or {@code gpu} (the first GPU); anything else is a configuration error. */
    public static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (pytorch().getGpuCount() == 0) {
                    Libtorch lib = libtorch();
                    throw new IllegalStateException("device 'gpu' configured but the PyTorch engine sees no GPU: libtorch "
                            + lib.flavour() + " from " + lib.dir() + (lib.cuda()
                                    ? ", a CUDA build, found no visible GPU (CUDA_VISIBLE_DEVICES="
                                      + System.getenv().getOrDefault("CUDA_VISIBLE_DEVICES", "unset")
                                      + "; on Kubernetes the pod needs a nvidia.com/gpu limit on a GPU node)"
                                    : ", a CPU build (a GPU needs the CUDA one: trainer-service -Pgpu and Dockerfile.gpu)")
                            + "; see docs/deploy.md, 'The GPU image'");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("device must be 'cpu' or 'gpu', got '" + name + "'");
        };
    }

    /** Engine, platform and code versions for a checkpoint's provenance. */
    public static Map<String, String> provenance(Device device) {
        Engine e = pytorch();
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Provenance.DJL_VERSION, Engine.getDjlVersion());
        p.put(Provenance.ENGINE, e.getEngineName());
        p.put(Provenance.ENGINE_VERSION, e.getVersion());
        p.put(Provenance.DEVICE, device.toString());
        p.put(Provenance.JAVA, System.getProperty("java.version"));
        p.put(Provenance.OS, System.getProperty("os.name") + " " + System.getProperty("os.version"));
        p.put(Provenance.ARCH, System.getProperty("os.arch"));
        p.put(Provenance.CODE_VERSION, BuildInfo.codeVersion());
        return p;
    }
}
