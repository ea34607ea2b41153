package io.sslstream.trainer.method;

import ai.djl.ndarray.NDManager;

/** Builds a {@link Method} from its settings. */
public final class Methods {

    private Methods() {
    }

    public static Method create(MethodSettings s, NDManager manager) {
        return switch (s.method()) {
            case MethodSettings.SIMCLR -> new SimClr(s, manager);
            case MethodSettings.MOCO -> new MoCo(s, manager);
            case MethodSettings.BYOL -> new Byol(s, manager);
            case MethodSettings.SIMSIAM -> new SimSiam(s, manager);
            case MethodSettings.BARLOW_TWINS -> new BarlowTwins(s, manager);
            case MethodSettings.VICREG -> new VicReg(s, manager);
            case MethodSettings.MAE -> new Mae(s, manager);
            default -> throw new IllegalArgumentException("unknown method " + s.method());
        };
    }
}
