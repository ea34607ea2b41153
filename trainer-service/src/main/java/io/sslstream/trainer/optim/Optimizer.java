package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.sslstream.model.NoGrad;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer whose state (moment estimates, momentum buffers, update count) is arrays this class owns, so that a
 * checkpoint can carry it and a resumed run continues the same trajectory (DJL's own optimizers keep theirs private).
 *
 * <p>Parameters are split the way the LARS, BYOL and timm codebases do: weights of convolutions and linear layers
 * ({@link Parameter.Type#WEIGHT}) get weight decay (and LARS's trust ratio); biases, norm scales and shifts and
 * embeddings do not.
 *
 * <p>{@link #step} runs under {@link NoGrad} (PyTorch forbids in-place updates of leaf tensors while recording) and
 * zeroes each gradient it consumed, since the PyTorch engine accumulates gradients across backward passes. The
 * caller owns an {@code NDScope} around the step: temporaries of an update belong to it.
 *
 * <p>State format ({@value #ENTRY} in a checkpoint archive, big-endian): magic {@code SSLO}, format version (u8),
 * optimizer name (UTF), updates done (i64), slot count (i32), then per slot its parameter name (UTF), state count
 * (u8) and each state tensor as {@link TensorIO} writes it.
 */
public abstract class Optimizer implements AutoCloseable {

    /** Archive entry of the state. */
    public static final String ENTRY = "optimizer.bin";
    static final int MAGIC = 0x53534C4F; // "SSLO"
    static final int FORMAT = 1;

    /** One parameter tensor and its state arrays. */
    protected record Slot(String name, Parameter param, boolean decay, NDArray[] state) {
    }

    private final NDManager stateManager;
    protected final List<Slot> slots = new ArrayList<>();
    private long updates;

    /**
     * @param params         (name, parameter) of everything trained; parameters that need no gradient (BatchNorm's
     *                       running statistics, frozen blocks) are skipped
     * @param statesPerParam state arrays per parameter, zero-initialised with its shape
     * @param manager        parent of the manager that holds the state
     */
    protected Optimizer(PairList<String, Parameter> params, int statesPerParam, NDManager manager) {
        this.stateManager = manager.newSubManager();
        for (Pair<String, Parameter> p : params) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            NDArray w = param.getArray();
            NDArray[] state = new NDArray[statesPerParam];
            for (int i = 0; i < statesPerParam; i++) {
                state[i] = stateManager.zeros(w.getShape(), w.getDataType());
            }
            slots.add(new Slot(p.getKey(), param, decays(param), state));
        }
    }

    /** True for the parameters that get weight decay (and LARS adaptation): weights of convolutions and linear layers. */
    public static boolean decays(Parameter p) {
        return p.getType() == Parameter.Type.WEIGHT;
    }

    /** {@code adamw}, {@code sgd} or {@code lars}. */
    public abstract String name();

    /** One update of every parameter with learning rate {@code lr}; consumes and zeroes the gradients. */
    public final void step(double lr) {
        try (NoGrad ignored = NoGrad.enter()) {
            updates++;
            for (Slot s : slots) {
                NDArray w = s.param().getArray();
                try (NDArray g = w.getGradient()) { // a new handle on the accumulated gradient
                    update(s, w, g, lr);
                }
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
    }

    /**
     * Whether every accumulated gradient is finite. One sum per parameter and a single read for all of them: a NaN or
     * an infinity anywhere makes the total non-finite (so would a sum beyond {@code Float.MAX_VALUE}, which is no
     * usable gradient either).
     */
    public final boolean gradientsFinite() {
        try (NDScope scope = new NDScope(); NoGrad ignored = NoGrad.enter()) {
            NDArray total = null;
            for (Slot s : slots) {
                NDArray g = s.param().getArray().getGradient().sum();
                total = total == null ? g : total.add(g);
            }
            return total == null || Float.isFinite(total.getFloat());
        }
    }

    /** Zeroes the gradients without an update: a step that is skipped. {@link #updates()} does not change. */
    public final void discardGradients() {
        for (Slot s : slots) {
            JniUtils.zeroGrad((PtNDArray) s.param().getArray());
        }
    }

    /** The first state array (e.g. a moment estimate) with a NaN or an infinity, as {@code <parameter> state <k>}, or null. */
    public String firstNonFiniteState() {
        for (Slot s : slots) {
            for (int k = 0; k < s.state().length; k++) {
                if (!NonFinite.allFinite(s.state()[k])) {
                    return s.name() + " state " + k;
                }
            }
        }
        return null;
    }

    /** Updates {@code w} in place from its gradient {@code g}; {@link #updates()} already counts this update. */
    protected abstract void update(Slot slot, NDArray w, NDArray g, double lr);

    /** Updates done (also restored from a checkpoint). */
    public long updates() {
        return updates;
    }

    /** Number of parameter tensors updated. */
    public int size() {
        return slots.size();
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(FORMAT);
        out.writeUTF(name());
        out.writeLong(updates);
        out.writeInt(slots.size());
        for (Slot s : slots) {
            out.writeUTF(s.name());
            out.writeByte(s.state().length);
            for (NDArray a : s.state()) {
                TensorIO.write(out, a);
            }
        }
        out.flush();
    }

    /** Restores state written by {@link #save} for the same parameters; anything that does not fit is an {@link IOException}. */
    public void load(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not optimizer state (bad magic)");
        }
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("optimizer state format " + format + ", this build reads " + FORMAT);
        }
        String stored = in.readUTF();
        if (!stored.equals(name())) {
            throw new IOException("optimizer state of '" + stored + "', this run uses '" + name() + "'");
        }
        long storedUpdates = in.readLong();
        int count = in.readInt();
        Map<String, Slot> byName = new LinkedHashMap<>();
        slots.forEach(s -> byName.put(s.name(), s));
        if (count != slots.size()) {
            throw new IOException("optimizer state has " + count + " parameters, the model has " + slots.size());
        }
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                Slot s = byName.remove(name);
                if (s == null) {
                    throw new IOException("optimizer state of parameter '" + name + "', which the model does not have");
                }
                int states = in.readUnsignedByte();
                if (states != s.state().length) {
                    throw new IOException("parameter '" + name + "' has " + states + " state arrays, " + name() + " keeps "
                            + s.state().length);
                }
                for (int k = 0; k < states; k++) {
                    TensorIO.readInto(in, s.state()[k], "state " + k + " of '" + name + "'");
                }
            }
        }
        updates = storedUpdates;
    }

    /** The state arrays of a parameter, for tests. */
    NDArray[] state(String name) {
        return slots.stream().filter(s -> s.name().equals(name)).findFirst().map(Slot::state)
                .orElseThrow(() -> new IllegalArgumentException("no parameter " + name + " in " + Arrays.toString(
                        slots.stream().map(Slot::name).toArray())));
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
