package io.sslstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way to reach DJL's PyTorch engine: offline (no download, no call home) and with the thread
 * counts logged, so that every service starts libtorch the same way.
 */
public final class Engines {

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
        return Engine.getEngine("PyTorch");
    }

    /** {@code cpu} or {@code gpu} (the first GPU); anything else is a configuration error. */
    public static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (pytorch().getGpuCount() == 0) {
                    throw new IllegalStateException("device 'gpu' configured but the PyTorch engine sees no GPU "
                            + "(is the CUDA flavour of libtorch installed? see docs/operations.md)");
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
