package io.sslstream.model.checkpoint;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.Json;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The weights blob of a checkpoint: a zip archive with
 * <ul>
 *   <li>{@value #MANIFEST}: the {@link CheckpointManifest} (also stored by the registry),</li>
 *   <li>{@value #ENCODER}: the encoder's parameters in DJL's format (all an evaluator needs),</li>
 *   <li>further entries written by the trainer to resume a run: heads ({@code head.params}), optimizer state.</li>
 * </ul>
 * A zip lets an evaluator read the encoder without reading the rest, and keeps one blob per checkpoint.
 */
public final class CheckpointArchive {

    public static final String MANIFEST = "manifest.json";
    public static final String ENCODER = "encoder.params";

    private CheckpointArchive() {
    }

    /** Writes the archive; {@code blocks} maps entry names (e.g. {@value #ENCODER}) to the blocks to save. */
    public static void write(Path file, CheckpointManifest manifest, Map<String, Block> blocks, Map<String, byte[]> extra)
            throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry(MANIFEST));
            zip.write(Json.write(manifest));
            zip.closeEntry();
            for (Map.Entry<String, Block> e : blocks.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                DataOutputStream out = new DataOutputStream(new NonClosing(zip));
                e.getValue().saveParameters(out);
                out.flush();
                zip.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    public static CheckpointManifest readManifest(Path file) throws IOException {
        return Json.read(readEntry(file, MANIFEST), CheckpointManifest.class);
    }

    /**
     * Loads an entry's parameters into an initialised block of the same architecture. DJL replaces each
     * parameter by the stored array whatever its shape, so the shapes are compared here: a checkpoint of
     * another width is refused instead of silently running as the declared architecture.
     */
    public static void loadParameters(Path file, String entry, Block block, NDManager manager) throws IOException {
        Map<String, Shape> declared = shapes(block);
        readParameters(file, entry, block, manager);
        Map<String, Shape> loaded = shapes(block);
        for (Map.Entry<String, Shape> e : declared.entrySet()) {
            if (!e.getValue().equals(loaded.get(e.getKey()))) {
                throw new IOException("'" + entry + "' in " + file + ": parameter " + e.getKey() + " has shape "
                        + loaded.get(e.getKey()) + ", the architecture declares " + e.getValue());
            }
        }
    }

    private static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> out = new LinkedHashMap<>();
        block.getParameters().forEach(p -> out.put(p.getKey(), p.getValue().getArray().getShape()));
        return out;
    }

    private static void readParameters(Path file, String entry, Block block, NDManager manager) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new IOException(file + " is not a checkpoint archive with '" + entry + "' (entries: " + names(zip) + ")");
            }
            try (DataInputStream in = new DataInputStream(zip.getInputStream(e))) {
                block.loadParameters(manager, in);
            } catch (MalformedModelException ex) {
                throw new IOException("'" + entry + "' in " + file + " does not fit the architecture: " + ex.getMessage(), ex);
            }
        } catch (java.util.zip.ZipException ex) {
            throw new IOException(file + " is not a readable checkpoint archive: " + ex.getMessage(), ex);
        }
    }

    /** The bytes of one entry. */
    public static byte[] readEntry(Path file, String entry) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                throw new IOException(file + " has no entry '" + entry + "' (entries: " + names(zip) + ")");
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        } catch (java.util.zip.ZipException ex) {
            throw new IOException(file + " is not a readable checkpoint archive: " + ex.getMessage(), ex);
        }
    }

    /** Entry names and sizes, for diagnostics and tests. */
    public static Map<String, Long> entries(Path file) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            zip.stream().forEach(e -> m.put(e.getName(), e.getSize()));
        }
        return m;
    }

    private static String names(ZipFile zip) {
        return String.join(", ", zip.stream().map(ZipEntry::getName).toList());
    }

    /** Lets DJL close its stream without closing the zip. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
