package io.sslstream.registry.store;

import io.sslstream.contracts.registry.Sha256;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlobStoreTest {

    @TempDir
    Path dataDir;
    BlobStore store;

    @BeforeEach
    void setUp() {
        store = new BlobStore(dataDir);
        store.init();
    }

    @Test
    void storesUnderTheDigestAndOnlyOnce() throws IOException {
        byte[] bytes = TestData.randomBytes(200_000, 1);
        String sha = Sha256.of(bytes);

        BlobStore.Stored first = store.put(sha, new ByteArrayInputStream(bytes), 1 << 20);
        BlobStore.Stored again = store.put(sha, new ByteArrayInputStream(bytes), 1 << 20);

        Path file = dataDir.resolve("blobs/sha256").resolve(sha.substring(0, 2)).resolve(sha);
        assertThat(first.created()).isTrue();
        assertThat(first.info().size()).isEqualTo(bytes.length);
        assertThat(again.created()).isFalse();
        assertThat(store.find(sha)).contains(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(files(dataDir.resolve("tmp"))).isEmpty();
    }

    @Test
    void mismatchLeavesNothing() {
        byte[] bytes = TestData.randomBytes(1000, 2);
        String declared = Sha256.of(new byte[]{1});

        assertThatThrownBy(() -> store.put(declared, new ByteArrayInputStream(bytes), 1 << 20))
                .isInstanceOfSatisfying(BlobRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BlobRejectedException.DIGEST_MISMATCH);
                    assertThat(e.getMessage()).contains(declared).contains(Sha256.of(bytes));
                });
        assertThat(store.find(declared)).isEmpty();
        assertThat(files(dataDir.resolve("tmp"))).isEmpty();
        assertThat(files(dataDir.resolve("blobs"))).isEmpty();
    }

    @Test
    void oversizedBodyIsRefusedWhileStreaming() {
        byte[] bytes = TestData.randomBytes(10_000, 3);

        assertThatThrownBy(() -> store.put(Sha256.of(bytes), new ByteArrayInputStream(bytes), 9_999))
                .isInstanceOfSatisfying(BlobRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(BlobRejectedException.TOO_LARGE));
        assertThat(files(dataDir.resolve("tmp"))).isEmpty();
    }

    @Test
    void deleteIfDeletesOnlyWhatNoOneUses() throws IOException {
        byte[] bytes = TestData.randomBytes(3000, 4);
        String sha = Sha256.of(bytes);
        store.put(sha, new ByteArrayInputStream(bytes), 1 << 20);

        long kept = store.deleteIf(sha, () -> false);
        assertThat(store.find(sha)).isPresent();
        long freed = store.deleteIf(sha, () -> true);
        long again = store.deleteIf(sha, () -> true);

        assertThat(kept).isZero();
        assertThat(freed).isEqualTo(3000);
        assertThat(again).isZero();
        assertThat(store.find(sha)).isEmpty();
    }

    @Test
    void startupRemovesPartialUploads() throws IOException {
        Files.write(dataDir.resolve("tmp/abc-1.part"), new byte[10]);
        Files.write(dataDir.resolve("tmp/abc-2.part"), new byte[10]);

        assertThat(new BlobStore(dataDir).init()).isEqualTo(2);
        assertThat(files(dataDir.resolve("tmp"))).isEmpty();
    }

    private static java.util.List<Path> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
