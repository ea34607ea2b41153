package io.sslstream.model;

import ai.djl.engine.Engine;

/**
 * Loads the PyTorch engine and prints what it found, the libtorch flavour included: for people checking a machine
 * or an image ({@code docker run --entrypoint java IMAGE -cp "/deployments/lib/main/*:/deployments/app/*"
 * io.sslstream.model.EngineInfo}).
 * <pre>java -cp "lib/main/*:app/*" io.sslstream.model.EngineInfo</pre>
 */
public final class EngineInfo {

    private EngineInfo() {
    }

    public static void main(String[] args) {
        Engine engine = Engines.pytorch();
        Engines.Libtorch lib = Engines.libtorch();
        System.out.printf("engine %s %s, DJL %s, libtorch flavour %s at %s, GPUs %d%n", engine.getEngineName(),
                engine.getVersion(), Engine.getDjlVersion(), lib.flavour(), lib.dir(), engine.getGpuCount());
    }
}
