package io.sslstream.registry.it;

import io.sslstream.contracts.registry.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * Pseudo-random bytes of any size that are never held in memory: chunk {@code i} comes from a generator seeded with
 * {@code seed + i}, so the payload can be streamed, hashed and any slice of it regenerated.
 */
final class Payload {

    static final int CHUNK = 64 * 1024;

    private final long seed;
    private final long size;

    Payload(long seed, long size) {
        this.seed = seed;
        this.size = size;
    }

    long size() {
        return size;
    }

    /** Called after each chunk with the bytes written so far; may block (to hold an upload mid-body). */
    interface Progress {
        void written(long bytes) throws IOException;
    }

    void writeTo(OutputStream out, Progress progress) throws IOException {
        byte[] buf = new byte[CHUNK];
        long written = 0;
        for (long i = 0; written < size; i++) {
            int n = (int) Math.min(CHUNK, size - written);
            chunk(i, buf);
            out.write(buf, 0, n);
            written += n;
            progress.written(written);
        }
    }

    String sha256() {
        MessageDigest d = Sha256.newDigest();
        try {
            writeTo(new OutputStream() {
                @Override
                public void write(int b) {
                    d.update((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    d.update(b, off, len);
                }
            }, n -> {
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Sha256.hex(d);
    }

    /** Bytes {@code [from, from + length)}. */
    byte[] slice(long from, int length) {
        byte[] out = new byte[length];
        byte[] buf = new byte[CHUNK];
        for (int done = 0; done < length; ) {
            long pos = from + done;
            chunk(pos / CHUNK, buf);
            int offset = (int) (pos % CHUNK);
            int n = Math.min(CHUNK - offset, length - done);
            System.arraycopy(buf, offset, out, done, n);
            done += n;
        }
        return out;
    }

    private void chunk(long index, byte[] buf) {
        new SplittableRandom(seed * 1_000_003 + index).nextBytes(buf);
    }
}
