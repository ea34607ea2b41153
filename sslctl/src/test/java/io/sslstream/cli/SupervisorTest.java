package io.sslstream.cli;

import io.sslstream.kafka.SupervisedProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor against real OS processes ({@code sleep}) killed with SIGKILL, on a clock the test moves. */
class SupervisorTest {

    static final Supervisor.Policy POLICY = new Supervisor.Policy(Duration.ofSeconds(1), Duration.ofSeconds(8),
            Duration.ofSeconds(60), Duration.ofSeconds(5), 3);

    /** A real process that can be killed and relaunched; liveness answers come from a queue. */
    static final class SleepChild implements SupervisedProcess {
        final List<Process> started = new ArrayList<>();
        final Deque<Boolean> liveness = new ArrayDeque<>();
        boolean stopped;
        Process process;

        SleepChild() {
            relaunch();
        }

        @Override
        public String name() {
            return "sleeper";
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public Integer exitCode() {
            return process.isAlive() ? null : process.exitValue();
        }

        @Override
        public boolean isStopped() {
            return stopped;
        }

        @Override
        public void relaunch() {
            try {
                process = new ProcessBuilder("sleep", "600").start();
                started.add(process);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public Boolean live() {
            return liveness.isEmpty() ? Boolean.TRUE : liveness.poll();
        }

        void killAndWait() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    final AtomicLong now = new AtomicLong();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final Supervisor supervisor = new Supervisor(POLICY, new PrintStream(printed, true, StandardCharsets.UTF_8), now::get);
    SleepChild child;

    @AfterEach
    void killAll() {
        if (child != null) {
            child.started.forEach(Process::destroyForcibly);
        }
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aKilledProcessIsRestartedAfterABackOffThatDoublesAndResets() throws Exception {
        child = new SleepChild();
        supervisor.watch(child);
        long firstPid = child.process.pid();

        child.killAndWait();
        supervisor.check(); // notices the exit
        assertThat(supervisor.summary()).contains("sleeper 0 (down, back in 0:01)");
        advance(Duration.ofMillis(900));
        supervisor.check();
        assertThat(child.started).as("still backing off").hasSize(1);
        advance(Duration.ofMillis(100));
        supervisor.check();
        assertThat(child.started).hasSize(2);
        assertThat(child.process.pid()).isNotEqualTo(firstPid);
        assertThat(child.isAlive()).isTrue();

        // a crash soon after the restart waits twice as long, then four times
        child.killAndWait();
        supervisor.check();
        advance(Duration.ofMillis(1999));
        supervisor.check();
        assertThat(child.started).hasSize(2);
        advance(Duration.ofMillis(1));
        supervisor.check();
        assertThat(child.started).hasSize(3);
        child.killAndWait();
        supervisor.check();
        advance(Duration.ofSeconds(4));
        supervisor.check();
        assertThat(child.started).hasSize(4);

        // after a minute of running, a crash counts as the first again
        advance(Duration.ofSeconds(61));
        supervisor.check();
        child.killAndWait();
        supervisor.check();
        advance(Duration.ofSeconds(1));
        supervisor.check();
        assertThat(child.started).hasSize(5);
        assertThat(supervisor.restarts()).containsEntry("sleeper", 4);
        assertThat(supervisor.summary()).isEqualTo("restarts: sleeper 4");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("sleeper exited (killed by signal 9); restart 1 in 0:01", "sleeper restarted (restart 4)");
    }

    @Test
    void theBackOffStopsGrowingAtItsMaximum() {
        assertThat(POLICY.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(POLICY.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(POLICY.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(POLICY.backoff(50)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void aProcessFailingItsLivenessCheckThreeTimesIsKilledThenRestarted() throws Exception {
        child = new SleepChild();
        supervisor.watch(child);
        child.liveness.addAll(List.of(true, false, false, false));
        for (int i = 0; i < 3; i++) {
            supervisor.check();
            advance(Duration.ofSeconds(5));
        }
        assertThat(child.isAlive()).as("two failures are tolerated").isTrue();
        supervisor.check();
        child.process.waitFor(10, TimeUnit.SECONDS);
        assertThat(child.isAlive()).isFalse();
        supervisor.check();
        advance(Duration.ofSeconds(1));
        supervisor.check();
        assertThat(child.started).hasSize(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("sleeper failed its liveness check 3 times in a row; killing it");
    }

    @Test
    void livenessFailuresBeforeTheFirstSuccessAreStartUpNotAHang() {
        child = new SleepChild();
        supervisor.watch(child);
        child.liveness.addAll(List.of(false, false, false, false, false));
        for (int i = 0; i < 5; i++) {
            supervisor.check();
            advance(Duration.ofSeconds(5));
        }
        assertThat(child.isAlive()).isTrue();
        assertThat(child.started).hasSize(1);
    }

    @Test
    void aProcessStoppedOnPurposeStaysDown() throws Exception {
        child = new SleepChild();
        supervisor.watch(child);
        child.stopped = true;
        child.killAndWait();
        supervisor.check();
        advance(Duration.ofMinutes(5));
        supervisor.check();
        assertThat(child.started).hasSize(1);
        assertThat(supervisor.summary()).isEmpty();
    }
}
