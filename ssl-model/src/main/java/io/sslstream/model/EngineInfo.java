package io.sslstream.model;

import ai.djl.engine.Engine;

/**
 * Loads the PyTorch engine and prints what it found: used by the GPU image build to fetch the CUDA natives into
 * DJL's cache once ({@code -Dai.djl.offline=false}), and by people checking a machine.
 * <pre>java -cp "lib/main/*:app/*" io.sslstream.model.EngineInfo</pre>
 */
public final class EngineInfo {

    private EngineInfo() {
    }

    public static void main(String[] args) {
        Engine engine = Engines.pytorch();
        System.out.printf("engine %s %s, DJL %s, GPUs %d, libtorch at %s%n", engine.getEngineName(), engine.getVersion(),
                Engine.getDjlVersion(), engine.getGpuCount(), System.getProperty("ai.djl.pytorch.native_lib_path", "(DJL cache)"));
    }
}
