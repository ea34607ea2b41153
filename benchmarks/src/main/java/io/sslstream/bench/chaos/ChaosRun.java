package io.sslstream.bench.chaos;

import io.sslstream.cli.LocalStack;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.LogTail;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.service.fault.Failpoints;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One chaos run: the local stack (broker and four services under its supervisor, which restarts what dies as
 * Kubernetes would) trains on a paced Fashion-MNIST stream while faults are injected one at a time, round after
 * round, each fault kind {@code perKind} times in a shuffled order; then the stream stops, the trainer drains and
 * publishes its last checkpoint, the evaluations finish, and {@link Reconciliation} counts what was lost or doubled.
 */
public final class ChaosRun {

    /**
     * @param home            repository root with the built services
     * @param work            this run's folder (broker, registry, logs)
     * @param dataDir         Fashion-MNIST
     * @param faults          fault kinds to inject
     * @param perKind         injections of each kind
     * @param gap             quiet time after a fault's process is back before the next fault
     * @param images          images per pass of the stream
     * @param batch           trainer batch
     * @param checkpointEvery trainer steps between checkpoints
     * @param evalTrain       labelled images the evaluator fits on
     * @param evalTest        test images it scores
     * @param pause           how long a failpoint holds its process (the kill lands inside it)
     * @param settle          after the faults: longest wait for the trainer to drain and the evaluations to finish
     * @param seed            the fault order's seed
     */
    public record Options(Path home, Path work, Path dataDir, List<Fault> faults, int perKind, Duration gap, int images,
                          int batch, int checkpointEvery, int evalTrain, int evalTest, Duration pause, Duration settle,
                          long seed) {
    }

    /** One injected fault and what followed. */
    public record Injection(int number, Fault fault, Instant at, long pid, boolean injected, double secondsToBack, String note) {
    }

    /** What a run gives back. */
    public record Result(List<Injection> injections, Reconciliation.Counts counts, Map<String, Integer> restarts,
                         Duration wall) {
    }

    private final Options options;
    private final PrintStream out;

    public ChaosRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        long t0 = System.nanoTime();
        String model = "chaos";
        LocalStack stack = new LocalStack(new LocalStack.Options(options.home(), options.work(), options.dataDir(), model,
                // by steps only, as the chaos report says (a checkpoint every N steps)
                options.batch(), options.checkpointEvery(), Duration.ZERO, 1, options.evalTrain(), options.evalTest(), 2), out);
        Map<String, List<String>> points = new LinkedHashMap<>();
        for (Fault f : options.faults()) {
            if (f.failpoint != null) {
                points.computeIfAbsent(f.target, k -> new ArrayList<>()).add(f.failpoint + "=pause:" + options.pause().toMillis());
            }
        }
        points.forEach((service, list) -> stack.withProperties(service, Map.of(Failpoints.KEY, String.join(",", list))));
        List<Injection> injections = new ArrayList<>();
        Feeder feeder = null;
        try {
            stack.start();
            IdxFile images = IdxFile.read(FashionMnist.file(options.dataDir(), "train-images-idx3-ubyte"), options.images());
            feeder = new Feeder(stack.bootstrapServers(), images, () -> trainerSamples(stack));
            Thread feed = new Thread(feeder, "chaos-feeder");
            feed.setDaemon(true);
            feed.start();

            List<Fault> order = schedule();
            out.printf("chaos: %d faults (%d of each of %s), %s apart%n", order.size(), options.perKind(),
                    options.faults().stream().map(Fault::id).toList(), options.gap());
            awaitTraining(stack, Duration.ofMinutes(10));
            int n = 0;
            for (Fault f : order) {
                n++;
                Injection inj = inject(stack, n, f);
                injections.add(inj);
                out.printf("[%s] fault %d/%d %s: %s%s%n", elapsed(t0), n, order.size(), f.id(),
                        inj.injected() ? "pid " + inj.pid() + " down, back after " + Math.round(inj.secondsToBack()) + " s" : "not injected",
                        inj.note().isEmpty() ? "" : " (" + inj.note() + ")");
                Thread.sleep(options.gap().toMillis());
            }
            out.printf("[%s] faults done; stopping the stream, letting the trainer drain%n", elapsed(t0));
            feeder.stop();
            feed.join(120_000);
            long deadline = System.nanoTime() + options.settle().toNanos();
            drain(stack, deadline);
            out.printf("[%s] stopping the trainer (its last checkpoint), waiting for the evaluations%n", elapsed(t0));
            stack.stopTrainer();
            awaitEvaluations(stack, deadline);
            Reconciliation.Counts counts = new Reconciliation(stack, model, feeder.ackedIds(), feeder.failed(), options.work()).count();
            Map<String, Integer> restarts = stack.restarts();
            return new Result(injections, counts, restarts, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            if (feeder != null) {
                feeder.stop();
            }
            stack.close();
        }
    }

    /** Every kind {@code perKind} times; each round in its own shuffled order. */
    List<Fault> schedule() {
        Random random = new Random(options.seed());
        List<Fault> order = new ArrayList<>();
        for (int round = 0; round < options.perKind(); round++) {
            List<Fault> r = new ArrayList<>(options.faults());
            Collections.shuffle(r, random);
            order.addAll(r);
        }
        return order;
    }

    private Injection inject(LocalStack stack, int n, Fault f) throws Exception {
        Instant at = Instant.now();
        String note = "";
        if (f.failpoint != null) {
            ServiceProcess s = stack.service(f.target);
            if (!LogTail.fromEnd(s.log()).await(Failpoints.REACHED + f.failpoint, Duration.ofMinutes(5))) {
                return new Injection(n, f, at, -1, false, 0, "failpoint not reached within 5 min");
            }
            at = Instant.now();
        } else if (f.target.equals("trainer")) {
            // anywhere in a step, not only right after a restart
            Thread.sleep(new Random(options.seed() + n).nextInt(5_000));
        }
        long pid = pid(stack, f.target);
        if (pid < 0) {
            return new Injection(n, f, at, -1, false, 0, f.target + " is not running");
        }
        ProcessHandle p = ProcessHandle.of(pid).orElse(null);
        if (p == null) {
            return new Injection(n, f, at, pid, false, 0, f.target + " exited before the signal");
        }
        long down = System.nanoTime();
        if (f.kill) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        p.onExit().get();
        boolean back = awaitBack(stack, f.target, pid, Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - down) / 1e9;
        if (!back) {
            note = "not back after 5 min";
        }
        return new Injection(n, f, at, pid, true, seconds, note);
    }

    private static long pid(LocalStack stack, String target) {
        if (target.equals("kafka")) {
            return stack.kafka().isAlive() ? stack.kafka().pid() : -1;
        }
        ServiceProcess s = stack.service(target);
        return s.isAlive() ? s.pid() : -1;
    }

    /** Until the supervisor restarted the target and it is ready (a service) or listening (the broker). */
    private static boolean awaitBack(LocalStack stack, String target, long oldPid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long pid = pid(stack, target);
            if (pid > 0 && pid != oldPid) {
                if (target.equals("kafka")) {
                    if (listening(stack.bootstrapServers())) {
                        return true;
                    }
                    Thread.sleep(200);
                    continue;
                }
                try {
                    stack.service(target).awaitReady(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    return true;
                } catch (IllegalStateException diedAgain) {
                    // the supervisor will try again
                }
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static boolean listening(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitTraining(LocalStack stack, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && trainerSteps(stack) < 1) {
            Thread.sleep(1_000);
        }
    }

    /** Until the trainer's samples stop growing for a minute (what is left is less than a batch) or the deadline. */
    private void drain(LocalStack stack, long deadline) throws InterruptedException {
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = trainerSamples(stack);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > Duration.ofMinutes(1).toNanos()) {
                return;
            }
            Thread.sleep(2_000);
        }
    }

    private void awaitEvaluations(LocalStack stack, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                long pending = stack.versions().stream().filter(v -> v.evaluations().isEmpty()).count();
                if (pending == 0) {
                    return;
                }
            } catch (RuntimeException registryBusy) {
                // try again
            }
            Thread.sleep(5_000);
        }
        out.println("chaos: the settle time ran out with evaluations pending; they count as lost");
    }

    private static long trainerSamples(LocalStack stack) {
        return stack.trainerStatus().map(t -> t.path("samplesSeen").asLong()).orElse(0L);
    }

    private static long trainerSteps(LocalStack stack) {
        return stack.trainerStatus().map(t -> t.path("step").asLong()).orElse(0L);
    }

    private static String elapsed(long t0) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Injections per kind. */
    static Map<Fault, List<Injection>> byKind(List<Injection> all) {
        return all.stream().collect(Collectors.groupingBy(Injection::fault, () -> new EnumMap<>(Fault.class), Collectors.toList()));
    }
}
