package io.sslstream.trainer.sync;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a checkpoint of a replicated run carries besides the weights (archive entry {@value #ENTRY}): the last round
 * the weights are the outcome of, their hash, where the sync topic goes on after that round, the outer optimizer's
 * momentum, and the group's samples and offsets. A replica resuming from it reads the sync topic from
 * {@code logOffset} and replays every round closed since, so that it holds the group's current weights.
 *
 * @param round        the last round applied to the weights (0: none yet)
 * @param weightsHash  {@link Weights#hash} of the weights after it
 * @param logOffset    sync topic offset after that round's close
 * @param samples      view sets in the members' pseudo-gradients of all rounds applied
 * @param offsets      next offsets to read of every partition the members trained on, as of the last round
 * @param outerState   {@link OuterOptimizer#save} bytes
 */
public record SyncState(long round, String weightsHash, long logOffset, long samples, Map<String, Long> offsets,
                        byte[] outerState) {

    /** Archive entry of a checkpoint. */
    public static final String ENTRY = "sync.state";

    private static final int FORMAT = 1;

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeLong(round);
            out.writeUTF(weightsHash);
            out.writeLong(logOffset);
            out.writeLong(samples);
            out.writeInt(offsets.size());
            for (Map.Entry<String, Long> e : new TreeMap<>(offsets).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(outerState.length);
            out.write(outerState);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    public static SyncState fromBytes(byte[] b) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(ENTRY + " format " + format + ", this trainer reads " + FORMAT);
            }
            long round = in.readLong();
            String hash = in.readUTF();
            long logOffset = in.readLong();
            long samples = in.readLong();
            int n = in.readInt();
            Map<String, Long> offsets = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                offsets.put(in.readUTF(), in.readLong());
            }
            byte[] outer = new byte[in.readInt()];
            in.readFully(outer);
            return new SyncState(round, hash, logOffset, samples, offsets, outer);
        }
    }
}
