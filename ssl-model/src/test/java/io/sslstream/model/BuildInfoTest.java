package io.sslstream.model;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The code version: the commit the build wrote, or "unknown" for a build outside git. */
class BuildInfoTest {

    static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void theCommitMarkedDirtyWhenTheTreeHadChangesAndUnknownWithoutOne() {
        String sha = "0123456789abcdef0123456789abcdef01234567";
        assertThat(BuildInfo.codeVersion(props(BuildInfo.COMMIT, sha, BuildInfo.DIRTY, "false"))).isEqualTo(sha);
        assertThat(BuildInfo.codeVersion(props(BuildInfo.COMMIT, sha, BuildInfo.DIRTY, "true"))).isEqualTo(sha + "-dirty");
        assertThat(BuildInfo.codeVersion(props())).isEqualTo("unknown");
    }

    @Test
    void thisBuildsCodeVersionIsACommitOrUnknown() {
        assertThat(BuildInfo.codeVersion()).matches("[0-9a-f]{40}(-dirty)?|unknown");
    }
}
