package io.sslstream.registry.store;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.registry.BlobInfo;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.service.fault.Failpoints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Content-addressed blobs on a filesystem: {@code <data-dir>/blobs/sha256/<first 2 hex>/<sha>}.
 *
 * <p>An upload streams into {@code <data-dir>/tmp}, hashed as it goes, and is renamed into place only once its
 * digest matches and its bytes are on disk; a reader therefore never sees a partial or wrong blob, and a crash
 * leaves at most a temp file, removed at the next start.
 *
 * <p>Retention deletes blobs that no version uses any more. A version is made to refer to a blob inside
 * {@link #referencing}, and a blob is deleted inside {@link #deleteIf}, which excludes it: a blob cannot vanish
 * between the check that it exists and the commit of the version that uses it. (The lock is this process's: one
 * registry process owns a data dir.)
 */
@ApplicationScoped
public class BlobStore {

    /**
     * A fault test holds an upload here, after its first bytes and before the rest (see {@link Failpoints}), and
     * kills the registry: a partial temp file and no blob.
     */
    public static final String DURING_BLOB_UPLOAD = "registry.during-blob-upload";

    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path blobsDir;
    private final Path tmpDir;
    private final ReadWriteLock collection = new ReentrantReadWriteLock();

    @Inject
    public BlobStore(RegistryConfig config) {
        this(config.dataDir());
    }

    public BlobStore(Path dataDir) {
        Path root = dataDir.toAbsolutePath().normalize();
        this.blobsDir = root.resolve("blobs").resolve("sha256");
        this.tmpDir = root.resolve("tmp");
    }

    /** A blob and whether this upload created it (false: identical content was stored already). */
    public record Stored(BlobInfo info, boolean created) {
    }

    void onStart(@Observes StartupEvent event) {
        int removed = init();
        Log.infof("Blob store at %s: removed %d partial upload(s) left in %s", blobsDir, removed, tmpDir);
    }

    /** Creates the directories and deletes leftover partial uploads; returns how many were deleted. */
    public int init() {
        try {
            Files.createDirectories(blobsDir);
            Files.createDirectories(tmpDir);
            int removed = 0;
            try (Stream<Path> leftovers = Files.list(tmpDir)) {
                for (Path p : (Iterable<Path>) leftovers::iterator) {
                    if (Files.deleteIfExists(p)) {
                        removed++;
                    }
                }
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the blob store under " + blobsDir.getParent().getParent(), e);
        }
    }

    public Path blobsDir() {
        return blobsDir;
    }

    public Path tmpDir() {
        return tmpDir;
    }

    /** The stored blob's file, if there is one. {@code sha256} must be valid (see {@link Sha256#isValid}). */
    public Optional<Path> find(String sha256) {
        Path p = pathOf(sha256);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Streams {@code body} in, verifying it against {@code sha256} and {@code maxBytes}.
     *
     * @throws BlobRejectedException on a digest mismatch or an oversized body; no file is left behind
     */
    public Stored put(String sha256, InputStream body, long maxBytes) throws IOException {
        Path target = pathOf(sha256);
        if (Files.isRegularFile(target)) {
            // identical content is stored once: verify what the client sent, keep nothing
            long size = digest(sha256, body, maxBytes, null);
            return new Stored(new BlobInfo(sha256, size), false);
        }
        Path tmp = Files.createTempFile(tmpDir, sha256.substring(0, 12) + "-", ".part");
        try {
            long size;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                size = digest(sha256, body, maxBytes, out);
                out.force(true);
            }
            Files.createDirectories(target.getParent());
            // a concurrent upload of the same content may have won: rename replaces it with identical bytes
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return new Stored(new BlobInfo(sha256, size), true);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Runs {@code work}, which makes a version refer to a blob, with no blob deletion in between. */
    public <T> T referencing(Supplier<T> work) {
        collection.readLock().lock();
        try {
            return work.get();
        } finally {
            collection.readLock().unlock();
        }
    }

    /**
     * Deletes a blob if {@code unreferenced} (asked while no version can start referring to it) says so.
     *
     * @return the bytes freed, 0 if nothing was deleted
     */
    public long deleteIf(String sha256, BooleanSupplier unreferenced) throws IOException {
        collection.writeLock().lock();
        try {
            Path p = pathOf(sha256);
            if (!Files.isRegularFile(p) || !unreferenced.getAsBoolean()) {
                return 0;
            }
            long size = Files.size(p);
            Files.delete(p);
            syncDirectory(p.getParent());
            return size;
        } finally {
            collection.writeLock().unlock();
        }
    }

    /** Reads {@code body} to its end, writing it to {@code out} if given; returns its size once its digest matches. */
    private static long digest(String expected, InputStream body, long maxBytes, FileChannel out) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buf = new byte[BUFFER_BYTES];
        ByteBuffer view = ByteBuffer.wrap(buf);
        long size = 0;
        for (int n; (n = body.read(buf)) != -1; ) {
            size += n;
            if (size > maxBytes) {
                throw new BlobRejectedException(BlobRejectedException.TOO_LARGE,
                        "blob exceeds the upload limit of " + maxBytes + " bytes");
            }
            digest.update(buf, 0, n);
            if (out != null) {
                view.clear().limit(n);
                while (view.hasRemaining()) {
                    out.write(view);
                }
            }
            if (size == n) {
                // the first bytes are in (and, for new content, in the temp file); the rest is still to come
                Failpoints.hit(DURING_BLOB_UPLOAD);
            }
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(expected)) {
            throw new BlobRejectedException(BlobRejectedException.DIGEST_MISMATCH,
                    "declared sha256 " + expected + " but the " + size + " bytes received hash to " + actual);
        }
        return size;
    }

    private Path pathOf(String sha256) {
        if (!Sha256.isValid(sha256)) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256);
        }
        return blobsDir.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /** Makes the rename itself durable (the new directory entry), not only the file's bytes. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for sync; the data itself is already forced
            Log.debugf("cannot sync directory %s: %s", dir, e);
        }
    }
}
