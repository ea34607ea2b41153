package io.sslstream.contracts.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeyTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void aCheckpointKeyIsRunStepAndDigest() {
        String key = IdempotencyKey.forCheckpoint("local", 60, SHA);

        assertThat(key).isEqualTo("local:60:" + SHA);
        assertThat(IdempotencyKey.isValid(key)).isTrue();
        assertThat(IdempotencyKey.forCheckpoint("local", 60, SHA)).as("the same checkpoint, the same key").isEqualTo(key);
        assertThat(IdempotencyKey.forCheckpoint("local", 61, SHA)).isNotEqualTo(key);
        assertThat(IdempotencyKey.forCheckpoint("local-2", 60, SHA)).isNotEqualTo(key);
        assertThat(IdempotencyKey.forCheckpoint("local", 60, "0".repeat(64))).isNotEqualTo(key);
    }

    @Test
    void runIdsOutsideTheSafeAlphabetAreEncodedAndLongOnesHashed() {
        String spaced = IdempotencyKey.forCheckpoint("my run:ä", 1, SHA);
        String colon = IdempotencyKey.forCheckpoint("a:1", 2, SHA);
        String longRun = "r".repeat(256);
        String hashed = IdempotencyKey.forCheckpoint(longRun, 1, SHA);

        assertThat(spaced).isEqualTo("my%20run%3A%C3%A4:1:" + SHA);
        assertThat(colon).as("a colon in the run id cannot make two checkpoints collide").isEqualTo("a%3A1:2:" + SHA);
        assertThat(hashed).isEqualTo("sha256-" + Sha256.of(longRun.getBytes(StandardCharsets.UTF_8)) + ":1:" + SHA);
        assertThat(IdempotencyKey.forCheckpoint("é".repeat(256), Long.MAX_VALUE, SHA)).satisfies(k ->
                assertThat(IdempotencyKey.isValid(k)).as(k).isTrue());
        assertThat(spaced).matches(IdempotencyKey::isValid);
        assertThat(hashed).matches(IdempotencyKey::isValid);
    }

    @Test
    void checkpointKeysRefuseWhatCannotBeACheckpoint() {
        assertThatThrownBy(() -> IdempotencyKey.forCheckpoint("run", 1, "ABC")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ABC");
        assertThatThrownBy(() -> IdempotencyKey.forCheckpoint("run", -1, SHA)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IdempotencyKey.forCheckpoint(null, 1, SHA)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void validKeysAreVisibleAsciiUpToTheLimit() {
        assertThat(IdempotencyKey.isValid("a")).isTrue();
        assertThat(IdempotencyKey.isValid("!\"#~" + "x".repeat(IdempotencyKey.MAX_LENGTH - 4))).isTrue();
        assertThat(IdempotencyKey.isValid("x".repeat(IdempotencyKey.MAX_LENGTH + 1))).isFalse();
        assertThat(IdempotencyKey.isValid("")).isFalse();
        assertThat(IdempotencyKey.isValid(null)).isFalse();
        assertThat(IdempotencyKey.isValid("a b")).isFalse();
        assertThat(IdempotencyKey.isValid("a\tb")).isFalse();
        assertThat(IdempotencyKey.isValid("ä")).isFalse();
    }

    @Test
    void headerValuesAreStructuredFieldStringsAndBareKeysAreTakenToo() {
        String key = "run\"7\\x:1";

        String header = IdempotencyKey.toHeaderValue(key);

        assertThat(header).isEqualTo("\"run\\\"7\\\\x:1\"");
        assertThat(IdempotencyKey.fromHeaderValue(header)).isEqualTo(key);
        assertThat(IdempotencyKey.fromHeaderValue("  \"abc\" ")).isEqualTo("abc");
        assertThat(IdempotencyKey.fromHeaderValue("abc")).isEqualTo("abc");
        assertThat(IdempotencyKey.fromHeaderValue("\"\"")).isEmpty();
        assertThatThrownBy(() -> IdempotencyKey.toHeaderValue("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedQuotedValuesAreRefused() {
        for (String bad : new String[]{"\"abc", "\"a\"b", "\"a\\nb\"", "\"abc\\\""}) {
            assertThatThrownBy(() -> IdempotencyKey.fromHeaderValue(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
