package io.sslstream.cli.dicom;

import io.sslstream.contracts.SampleIds;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Pseudonymous sample ids of DICOM frames: {@code <dataset>/<h>/<frame>}, where {@code h} is the first 128 bits (32
 * hex digits) of HMAC-SHA256 over the SOP Instance UID under a secret key. The UID is not in the id and cannot be
 * computed back from it; whoever holds the key recovers it by hashing the UIDs of the archive
 * ({@code sslctl dicom-id}) and matching. The same instance under the same key always gets the same id, so a
 * duplicate yields the same views.
 *
 * <p>The key is at least 16 bytes: the bytes of a file (a Kubernetes Secret mounted as a file), or the UTF-8 of the
 * environment variable {@value #KEY_ENV}.
 */
public final class DicomIds {

    /** Environment variable that may hold the key (a Secret's key as an env var). */
    public static final String KEY_ENV = "SSL_DICOM_ID_KEY";
    /** Shortest key accepted. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String DOMAIN = "sslstream/dicom/sop-instance-uid/v1:";

    private final byte[] key;
    private final String dataset;

    public DicomIds(byte[] key, String dataset) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the pseudonymisation key has " + key.length + " bytes; it needs at least "
                    + MIN_KEY_BYTES + " (e.g. head -c 32 /dev/urandom > key)");
        }
        SampleIds.requireDataset(dataset);
        this.key = key.clone();
        this.dataset = dataset;
    }

    /** The key from {@code keyFile} if given, else from {@value #KEY_ENV}; a clear error when neither is there. */
    public static byte[] loadKey(Path keyFile) throws IOException {
        if (keyFile != null) {
            byte[] k = Files.readAllBytes(keyFile);
            // a Secret written with echo ends with a newline: not part of the key
            int end = k.length;
            while (end > 0 && (k[end - 1] == '\n' || k[end - 1] == '\r')) {
                end--;
            }
            return Arrays.copyOf(k, end);
        }
        String env = System.getenv(KEY_ENV);
        if (env != null && !env.isEmpty()) {
            return env.getBytes(StandardCharsets.UTF_8);
        }
        throw new IOException("no pseudonymisation key: give --key-file FILE (e.g. a mounted Kubernetes Secret) or set "
                + KEY_ENV + "; make one with: head -c 32 /dev/urandom > dicom-id.key");
    }

    /** Writes a new random 32-byte key to {@code file} (readable by its owner only) unless it exists; returns the key. */
    public static byte[] createKey(Path file) throws IOException {
        if (Files.exists(file)) {
            return loadKey(file);
        }
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, k);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return k;
    }

    public String dataset() {
        return dataset;
    }

    /** The pseudonym of an instance: 32 hex digits. */
    public String pseudonym(String sopInstanceUid) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal((DOMAIN + sopInstanceUid.trim()).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The sample id of frame {@code frame} (from 0) of an instance. */
    public String sampleId(String sopInstanceUid, int frame) {
        return dataset + "/" + pseudonym(sopInstanceUid) + "/" + frame;
    }
}
