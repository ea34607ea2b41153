package io.sslstream.model;

import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this code was built from. The build (git-commit-id-maven-plugin, see the root pom) writes the commit into
 * {@value #RESOURCE} next to this class; a build outside a git work tree (a source tarball) writes nothing, and the
 * code version is then {@value Provenance#UNKNOWN}.
 */
public final class BuildInfo {

    /** The generated resource, relative to this class. */
    static final String RESOURCE = "build.properties";
    static final String COMMIT = "git.commit.id.full";
    static final String DIRTY = "git.dirty";

    private static final String CODE_VERSION = codeVersion(read());

    private BuildInfo() {
    }

    /**
     * The git commit the code was built from, {@code -dirty} appended when the work tree had uncommitted changes, or
     * {@value Provenance#UNKNOWN}.
     */
    public static String codeVersion() {
        return CODE_VERSION;
    }

    static String codeVersion(Properties build) {
        String commit = build.getProperty(COMMIT, "").trim();
        if (commit.isEmpty()) {
            return Provenance.UNKNOWN;
        }
        return Boolean.parseBoolean(build.getProperty(DIRTY, "false").trim()) ? commit + "-dirty" : commit;
    }

    private static Properties read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " of " + BuildInfo.class.getPackageName(), e);
        }
        return p;
    }
}
