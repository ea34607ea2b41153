package io.sslstream.bench.registry;

import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Upload and download throughput of one checkpoint-sized blob through {@link RegistryClient}, the path the trainer
 * and the evaluator take (streamed from and to files), against the registry or its peer.
 */
public final class Transfers {

    private final Path blob;
    private final long bytes;

    /** Writes a random file of {@code megabytes} MiB to upload. */
    public Transfers(Path dir, int megabytes) throws IOException {
        this.blob = dir.resolve("blob.bin");
        this.bytes = (long) megabytes << 20;
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(blob)) {
            for (int i = 0; i < megabytes; i++) {
                random.nextBytes(buf);
                out.write(buf);
            }
        }
    }

    public long bytes() {
        return bytes;
    }

    /**
     * Makes the file new content (its first 8 bytes become {@code run}) so that the registry stores it rather than
     * only hashing a blob it has; returns its digest. Not timed.
     */
    public String freshContent(long run) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
            f.getChannel().write(ByteBuffer.allocate(8).putLong(0, run), 0);
        }
        return Sha256.of(blob);
    }

    /** Seconds to upload the file under {@code sha}. */
    public double upload(RegistryClient client, String sha) {
        long t0 = System.nanoTime();
        client.putBlob(blob, sha);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds to download blob {@code sha} to a file; checks the digest of what arrived (not timed). */
    public double download(RegistryClient client, String sha, Path target) throws IOException {
        long t0 = System.nanoTime();
        client.downloadBlob(sha, target);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String got = Sha256.of(target);
        if (!got.equals(sha)) {
            throw new IllegalStateException("downloaded blob hashes to " + got + ", expected " + sha);
        }
        Files.delete(target);
        return seconds;
    }

    public double megabytesPerSecond(double seconds) {
        return bytes / 1e6 / seconds;
    }
}
