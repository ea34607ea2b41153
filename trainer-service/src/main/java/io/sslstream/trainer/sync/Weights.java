package io.sslstream.trainer.sync;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.sslstream.model.NoGrad;
import io.sslstream.trainer.method.Method;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor of a method that the replicas of a run keep identical, in a fixed order (the method's networks in
 * registration order, each network's parameters in declaration order): the trained parameters, which take the outer
 * Nesterov step, and the rest (BatchNorm running statistics, BYOL's and MoCo's target networks), which take the
 * replicas' mean. What stays local to a replica: the inner optimizer's state and MoCo's queue of negatives (keys of the
 * replica's own recent batches, as each GPU keeps its own in MoCo's multi-GPU training).
 */
public final class Weights {

    private final List<String> names = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final boolean[] trained;
    private final int[] sizes;
    private final String shapeHash;

    public Weights(Method method) {
        Set<Parameter> outer = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Pair<String, Parameter> p : method.trainableParameters()) {
            if (p.getValue().requiresGradient()) {
                outer.add(p.getValue());
            }
        }
        List<Boolean> kinds = new ArrayList<>();
        StringBuilder shapes = new StringBuilder();
        for (Map.Entry<String, Block> e : method.blocks().entrySet()) {
            for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                String name = e.getKey() + "/" + p.getKey();
                names.add(name);
                parameters.add(p.getValue());
                kinds.add(outer.contains(p.getValue()));
                shapes.append(name).append(p.getValue().getArray().getShape()).append(outer.contains(p.getValue()) ? "T" : "A").append(';');
            }
        }
        trained = new boolean[kinds.size()];
        sizes = new int[kinds.size()];
        for (int i = 0; i < trained.length; i++) {
            trained[i] = kinds.get(i);
            sizes[i] = Math.toIntExact(parameters.get(i).getArray().size());
        }
        shapeHash = hex(digest().digest(shapes.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    /** Number of tensors. */
    public int count() {
        return sizes.length;
    }

    /** Elements of each tensor. */
    public int[] sizes() {
        return sizes.clone();
    }

    /** Whether each tensor is trained by gradients (takes the outer step) rather than averaged. */
    public boolean[] trained() {
        return trained.clone();
    }

    /** Elements of all tensors. */
    public long elements() {
        long n = 0;
        for (int s : sizes) {
            n += s;
        }
        return n;
    }

    /**
     * A hash of every tensor's name, shape and kind: two replicas exchange pseudo-gradients only if theirs agree
     * (same method, networks and input shape).
     */
    public String shapeHash() {
        return shapeHash;
    }

    public String name(int t) {
        return names.get(t);
    }

    /** The current values, copied out of the networks. */
    public float[][] read() {
        float[][] v = new float[sizes.length][];
        for (int t = 0; t < v.length; t++) {
            v[t] = parameters.get(t).getArray().toFloatArray();
        }
        return v;
    }

    /** Sets every tensor to {@code values} (in place: the optimizer's references and gradient flags stay valid). */
    public void write(float[][] values) {
        try (NoGrad ignored = NoGrad.enter()) {
            for (int t = 0; t < values.length; t++) {
                NDArray a = parameters.get(t).getArray();
                if (values[t].length != sizes[t]) {
                    throw new IllegalArgumentException(names.get(t) + ": " + values[t].length + " values for " + sizes[t] + " elements");
                }
                a.set(FloatBuffer.wrap(values[t]));
            }
        }
    }

    /** SHA-256 of the values' float32 bits, big-endian, tensor after tensor: equal on two replicas only if every bit is. */
    public static String hash(float[][] values) {
        MessageDigest d = digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (float[] v : values) {
            for (float x : v) {
                if (buf.remaining() < Float.BYTES) {
                    d.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(x);
            }
        }
        d.update(buf.array(), 0, buf.position());
        return hex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
