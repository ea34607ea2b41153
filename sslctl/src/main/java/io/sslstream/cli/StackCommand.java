package io.sslstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.registry.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code sslctl stack}: starts Kafka and the four services, streams Fashion-MNIST through them for a time
 * budget, and ends with the evaluation table. Ctrl-C stops everything in order.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Run the whole platform on this machine for a time budget and print the evaluation table.")
final class StackCommand implements Callable<Integer> {

    @Option(names = "--budget", defaultValue = "10m", description = "training time, e.g. 90s, 5m, 1h; the default is the shortest measured to end above raw pixels on every protocol on a quiet 2-core machine (default: ${DEFAULT-VALUE})")
    Duration budget;

    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "folder with Fashion-MNIST's IDX files (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--images", defaultValue = "60000", description = "unlabeled training images to stream (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--work", description = "folder for this run's data and logs (default: var/stack/<date-time>)")
    Path work;

    @Option(names = "--home", description = "repository root holding the built services (default: found from this jar)")
    Path home;

    @Option(names = "--method", defaultValue = StackMethods.DEFAULT,
            description = "SSL method the trainer runs: simclr, moco, byol, simsiam, barlow-twins, vicreg or mae; the augmenter runs "
                    + "its recipe and the trainer its encoder (the small CNN of --encoder-widths; mae: a ViT); barlow-twins, the default, "
                    + "trains with LARS (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--encoder-widths", defaultValue = StackMethods.DEFAULT_WIDTHS,
            description = "the small CNN's four widths, the last one its number of features; 32,64,128,128 is the trainer's own default "
                    + "(not used by mae, which trains a ViT) (default: ${DEFAULT-VALUE})")
    String encoderWidths;

    @Option(names = "--model", description = "registry model name (default: fmnist-<method>)")
    String model;

    @Option(names = "--batch-size", defaultValue = "256", description = "trainer images per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "trainer steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--checkpoint-interval", defaultValue = "2m",
            description = "a checkpoint also after this long without one, whatever the steps; 0 = by steps only (default: ${DEFAULT-VALUE})")
    Duration checkpointInterval;

    @Option(names = "--trainer-threads", defaultValue = "2", description = "libtorch threads of the trainer (default: ${DEFAULT-VALUE})")
    int trainerThreads;

    @Option(names = "--replicas", defaultValue = "1",
            description = "trainer replicas training one run, synchronised with DiLoCo every --sync-every steps; each gets "
                    + "--trainer-threads threads (default: ${DEFAULT-VALUE})")
    int replicas;

    // fewer than the trainer's 100: a step here takes seconds, and a run of minutes should see several rounds
    @Option(names = "--sync-every", defaultValue = "10", description = "with --replicas: local steps per round (default: ${DEFAULT-VALUE})")
    int syncEvery;

    @Option(names = "--eval-train", defaultValue = "10000", description = "labelled images the probes are fit on (default: ${DEFAULT-VALUE})")
    int evalTrain;

    @Option(names = "--eval-test", defaultValue = "10000", description = "test images the probes are scored on (default: ${DEFAULT-VALUE})")
    int evalTest;

    @Option(names = "--epochs", defaultValue = "0",
            description = "passes over the images; 0 = as many as the budget allows, each pass streamed when the trainer is "
                    + "three quarters through the previous one (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--source", defaultValue = "fashion-mnist",
            description = "what is streamed: fashion-mnist, or orthanc (the DICOM files of --dicom-dir through a local Orthanc,"
                    + " pseudonymised, into the windowing recipe) (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--dicom-dir", defaultValue = "/usr/lib/python3/dist-packages/pydicom/data/test_files",
            description = "with --source orthanc: the folder of DICOM files (default: python3-pydicom's test files, ${DEFAULT-VALUE})")
    Path dicomDir;

    @Option(names = "--eval-wait", defaultValue = "5m", description = "after training, wait this long for pending evaluations (default: ${DEFAULT-VALUE})")
    Duration evalWait;

    private final PrintStream out = System.out;
    /** The evaluator's dataset id ({@code name@train/test}): the evaluations this run waits for and shows. */
    private volatile String dataset;
    /** When training began (the services ready), for how long the run trained. */
    private volatile long trainStart;
    private final AtomicBoolean feeding = new AtomicBoolean(true);
    private final AtomicBoolean finished = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        if (!StackMethods.RECIPES.containsKey(method)) {
            System.err.println("Unknown --method '" + method + "' (known: " + String.join(", ", StackMethods.RECIPES.keySet()) + ").");
            return 2;
        }
        try {
            StackMethods.checkWidths(encoderWidths);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try {
            FashionMnist.file(dataDir, "train-images-idx3-ubyte");
        } catch (NoSuchFileException e) {
            System.err.println("No Fashion-MNIST in " + dataDir + ".\n" + FashionMnist.HOW_TO_GET + "\nThen pass --data-dir <folder> if it is elsewhere.");
            return 2;
        }
        if (model == null) {
            model = "fmnist-" + method;
        }
        Path root = home != null ? home : Main.repositoryHome();
        Path runDir = work != null ? work : root.resolve("var/stack/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(runDir);
        boolean dicom = source.equals("orthanc");
        if (!dicom && !source.equals("fashion-mnist")) {
            System.err.println("--source is fashion-mnist or orthanc, not '" + source + "'");
            return 2;
        }
        if (dicom && batchSize == 256) {
            batchSize = 8; // a folder of DICOM files is a few dozen frames, not 60,000 images
        }
        LocalStack stack = new LocalStack(new LocalStack.Options(root, runDir.toAbsolutePath(), dataDir, model, batchSize,
                checkpointEvery, checkpointInterval, trainerThreads, evalTrain, evalTest, 4), out).withMethod(method);
        if (StackMethods.trainsSmallCnn(method)) {
            stack.withProperties("trainer", Map.of("ssl.trainer.encoder-widths", encoderWidths));
        }
        stack.withProperties("trainer", StackMethods.trainerSettings(method));
        if (replicas > 1) {
            stack.withTrainerReplicas(replicas).withProperties("trainer", Map.of("ssl.trainer.sync.every", Integer.toString(syncEvery)));
        }
        if (dicom) {
            DicomSource.configure(stack);
        }
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get()) {
                out.println("\ninterrupted: stopping the trainer (it publishes a last checkpoint), then the rest");
                feeding.set(false);
                main.interrupt();
                finish(stack, Duration.ZERO);
            }
        }, "sslctl-stop"));

        long t0 = System.nanoTime();
        out.printf("run folder %s%n", runDir.toAbsolutePath());
        stack.start();
        dataset = stack.evalDatasetId().orElse(null);
        Thread feeder = dicom ? DicomSource.feeder(stack, dicomDir, runDir.toAbsolutePath(), feeding, out) : new Thread(() -> {
            try {
                long fed = 0;
                for (int epoch = 1; feeding.get() && (epochs == 0 || epoch <= epochs); epoch++) {
                    // the next pass once the trainer is 3/4 through this one: views stay fresh, the augmenter does
                    // not race ahead of the trainer for CPU, and the trainer never runs dry
                    while (epoch > 1 && feeding.get() && trainerSamples(stack) < fed - images / 4) {
                        Thread.sleep(1_000);
                    }
                    if (feeding.get()) {
                        fed += stack.feed(images, epoch, feeding::get);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                out.println("loading stopped: " + e.getMessage());
            }
        }, "feeder");
        feeder.setDaemon(true);
        feeder.start();

        out.printf("training for %s (Ctrl-C stops early and still prints the table)%n", Progress.format(budget));
        trainStart = System.nanoTime();
        try {
            while (System.nanoTime() - trainStart < budget.toNanos()) {
                Thread.sleep(Math.min(15_000, Math.max(1, (budget.toNanos() - (System.nanoTime() - trainStart)) / 1_000_000)));
                out.println(statusLine(stack, trainStart, dataset, images));
            }
        } catch (InterruptedException e) {
            return 130;
        }
        feeding.set(false);
        finish(stack, evalWait);
        out.printf("wall time %s, logs in %s%n", Progress.format(Duration.ofNanos(System.nanoTime() - t0)), stack.logs());
        return 0;
    }

    /** Stops training, waits (up to {@code wait}) for the evaluations, prints the table, stops the rest. */
    private void finish(LocalStack stack, Duration wait) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            Duration trained = trainStart == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - trainStart);
            stack.stopTrainer();
            if (dataset == null) {
                dataset = stack.evalDatasetId().orElse(null);
            }
            List<ModelVersion> versions = awaitEvaluations(stack, wait);
            out.println();
            out.print(dataset == null ? EvaluationTable.render(model, versions) : EvaluationTable.render(model, versions, dataset));
            out.println();
            out.println(summary(versions, trained));
        } catch (Exception e) {
            out.println("cannot read the registry for the table: " + e.getMessage());
        } finally {
            stack.close();
        }
    }

    /** Waits until every version has an evaluation on this run's dataset, or {@code wait} has passed. */
    private List<ModelVersion> awaitEvaluations(LocalStack stack, Duration wait) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        StatusLine line = new StatusLine(out, System.console() != null);
        List<ModelVersion> versions = stack.versions();
        while (System.nanoTime() < deadline && versions.stream().anyMatch(v -> !evaluated(v, dataset))) {
            long pending = versions.stream().filter(v -> !evaluated(v, dataset)).count();
            line.show(String.format(Locale.ROOT, "waiting for the evaluation of %d of %d version(s) on %s (%s of at most %s)",
                    pending, versions.size(), dataset == null ? "any dataset" : dataset,
                    Progress.format(Duration.ofNanos(System.nanoTime() - start)), Progress.format(wait)), pending);
            Thread.sleep(2_000);
            versions = stack.versions();
        }
        line.end();
        return versions;
    }

    /** Whether {@code v} has an evaluation on {@code dataset} (on any, when the evaluator's dataset is unknown). */
    static boolean evaluated(ModelVersion v, String dataset) {
        return v.evaluations().stream().anyMatch(e -> dataset == null || dataset.equals(e.dataset()));
    }

    /** How much the run trained, in steps, samples and passes over the images; and a word when that was too little. */
    private String summary(List<ModelVersion> versions, Duration trainedFor) {
        Optional<ModelVersion> last = versions.stream().max(Comparator.comparingInt(ModelVersion::version));
        if (last.isEmpty()) {
            return "no checkpoint was published in " + Progress.format(trainedFor) + (replicas > 1
                    ? ": the replicas completed no round (--sync-every " + syncEvery + " steps; see the trainers' logs)"
                    : ": the trainer made no step (see its log)") + "; try a longer --budget";
        }
        ModelVersion v = last.get();
        String trained = String.format(Locale.ROOT, "trained %,d steps on %,d samples (%.2f epochs of %,d images) in %s",
                v.step(), v.samplesSeen(), (double) v.samplesSeen() / images, images, Progress.format(trainedFor));
        boolean tooShort = dataset != null && EvaluationTable.latest(v, dataset)
                .flatMap(e -> EvaluationTable.untrained(v, e)).isPresent();
        return tooShort ? trained + ": too short to learn features; try --budget 10m or more" : trained;
    }

    private static long trainerSamples(LocalStack stack) {
        return stack.trainerStatus().map(t -> t.path("samplesSeen").asLong()).orElse(0L);
    }

    private static String statusLine(LocalStack stack, long trainStart, String dataset, int images) {
        String elapsed = Progress.format(Duration.ofNanos(System.nanoTime() - trainStart));
        JsonNode t = stack.trainerStatus().orElse(null);
        List<ModelVersion> versions;
        try {
            versions = stack.versions();
        } catch (RuntimeException e) {
            versions = List.of();
        }
        long evaluated = versions.stream().filter(v -> evaluated(v, dataset)).count();
        String restarts = stack.restartSummary();
        restarts = restarts.isEmpty() ? "" : " | " + restarts;
        if (t == null) {
            return String.format(Locale.ROOT, "[%s] trainer not answering | versions %d, evaluated %d%s", elapsed, versions.size(),
                    evaluated, restarts);
        }
        long samples = t.path("samplesSeen").asLong();
        JsonNode sync = t.path("sync");
        String rounds = sync.isObject() ? String.format(Locale.ROOT, " | round %d, members %s of %d replicas, sync %.1f s",
                sync.path("round").asLong(), sync.path("members"), sync.path("replicas").asInt(), sync.path("lastSyncSeconds").asDouble()) : "";
        return String.format(Locale.ROOT,
                "[%s] trainer %s, step %d, loss %s | median step %s, data wait %.0f ms | %,d samples (%.2f epochs)%s | versions %d, "
                        + "evaluated %d%s",
                elapsed, t.path("state").asText(), t.path("step").asLong(),
                t.path("loss").isNumber() ? String.format(Locale.ROOT, "%.3f", t.path("loss").asDouble()) : "-",
                millis(t.path("medianStepMs").asDouble()), t.path("medianDataWaitMs").asDouble(), samples,
                (double) samples / images, rounds, versions.size(), evaluated, restarts);
    }

    /** {@code 850 ms}, {@code 11.6 s}. */
    private static String millis(double ms) {
        return ms < 1_000 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f s", ms / 1_000);
    }

    /**
     * A line that changes in place: redrawn on a terminal; elsewhere (a log, CI) printed when what it reports changes and
     * at most every 30 s otherwise, so that a wait of minutes is a few lines and not one every few seconds.
     */
    static final class StatusLine {
        private final PrintStream out;
        private final boolean terminal;
        private Object lastState;
        private long lastPrinted;
        private int width;

        StatusLine(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        /** @param state what the line reports, without its clock (e.g. a count): a change is printed at once */
        void show(String line, Object state) {
            if (terminal) {
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
                out.flush();
                return;
            }
            long now = System.nanoTime();
            if (!state.equals(lastState) || now - lastPrinted >= Duration.ofSeconds(30).toNanos()) {
                out.println(line);
                lastState = state;
                lastPrinted = now;
            }
        }

        void end() {
            if (terminal && width > 0) {
                out.println();
            }
        }
    }
}
