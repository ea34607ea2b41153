package io.sslstream.bench.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline benchmark's core placement, on real threads of this JVM (needs util-linux's taskset). */
class AffinityTest {

    private static String allowed(long pid, long tid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow().split(":")[1].strip();
    }

    @Test
    void findsAThreadByNameAndPinsItAloneLeavingTheRestOfTheProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        long self = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        String mine = allowed(pid, self); // the cores this test may use, e.g. 0-1
        String one = mine.split("[,-]")[0];
        CountDownLatch pinned = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Affinity.pinCurrentThread(one);
                pinned.countDown();
                done.await();
            } catch (Exception e) {
                seen.set(e);
                pinned.countDown();
            }
        }, "affinity-probe");
        t.start();
        try {
            pinned.await();
            assertEquals(null, seen.get());
            List<Long> probes = Affinity.threads(pid, "affinity-probe");
            assertEquals(1, probes.size());
            long tid = probes.get(0);
            assertEquals(one, allowed(pid, tid));
            // the thread running the test was not moved
            assertEquals(mine, allowed(pid, self));

            Affinity.pinThread(tid, mine);
            assertEquals(mine, allowed(pid, tid));
        } finally {
            done.countDown();
            t.join();
        }
        assertTrue(Affinity.threads(pid, "no-such-thread").isEmpty());
    }
}
