package io.sslstream.bench;

import io.sslstream.bench.chaos.ChaosReport;
import io.sslstream.bench.chaos.ChaosRun;
import io.sslstream.bench.chaos.Fault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./bench chaos}: the local stack under faults (SIGKILL and SIGTERM of each process at chosen moments, each
 * restarted by the stack's supervisor as Kubernetes would), then a reconciliation of samples, versions, events,
 * evaluations, blobs and training lineage. See {@link ChaosRun} and {@link io.sslstream.bench.chaos.Reconciliation}.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill and restart the local stack's processes on a schedule, then count what was lost or doubled.")
public class ChaosBenchmark implements Callable<Integer> {

    @Option(names = "--faults", split = ",", description = "fault kinds (default: all of trainer-after-version, trainer-anytime, "
            + "registry-after-commit, registry-during-upload, eval-during-features, augmenter-anytime, broker-term, broker-kill)")
    List<String> faults;

    @Option(names = "--per-kind", defaultValue = "10", description = "injections of each kind (default: ${DEFAULT-VALUE})")
    int perKind;

    @Option(names = "--gap", defaultValue = "15s", description = "quiet time after a process is back before the next fault (default: ${DEFAULT-VALUE})")
    Duration gap;

    @Option(names = "--images", defaultValue = "5000", description = "images per pass of the stream (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--batch", defaultValue = "64", description = "trainer batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--checkpoint-every", defaultValue = "40", description = "trainer steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--eval-train", defaultValue = "2000", description = "labelled images the evaluator fits on (default: ${DEFAULT-VALUE})")
    int evalTrain;

    @Option(names = "--eval-test", defaultValue = "500", description = "test images the evaluator scores (default: ${DEFAULT-VALUE})")
    int evalTest;

    @Option(names = "--pause", defaultValue = "3s", description = "how long a failpoint holds its process (default: ${DEFAULT-VALUE})")
    Duration pause;

    @Option(names = "--settle", defaultValue = "30m", description = "after the faults, longest wait for draining and evaluations (default: ${DEFAULT-VALUE})")
    Duration settle;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the fault order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Fashion-MNIST (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--work", description = "run folder (default: var/bench/chaos/<date-time>)")
    Path work;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Override
    public Integer call() throws Exception {
        List<Fault> kinds = faults == null || faults.isEmpty() ? Fault.all() : faults.stream().map(Fault::parse).toList();
        Path root = Repo.root();
        Path dir = work != null ? work : root.resolve("var/bench/chaos/"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path data = Files.isDirectory(dataDir) ? dataDir : root.resolve("testdata/fashion-mnist-subset");
        ChaosRun.Options options = new ChaosRun.Options(root, dir.toAbsolutePath(), data, kinds, perKind, gap, images, batch,
                checkpointEvery, evalTrain, evalTest, pause, settle, seed);
        ChaosRun.Result result = new ChaosRun(options, System.out).run();
        String command = "./bench chaos" + (faults == null ? "" : " --faults " + String.join(",", kinds.stream().map(Fault::id).toList()))
                + " --per-kind " + perKind + (gap.equals(Duration.ofSeconds(15)) ? "" : " --gap " + gap.toSeconds() + "s");
        Report report = ChaosReport.render(command, options, result);
        Path file = doc != null ? doc : Repo.benchmarksDoc();
        report.writeTo(file, "chaos");
        System.out.println(report.markdown());
        System.out.println("written to " + file + "; the run's logs are in " + dir.resolve("logs"));
        return ChaosReport.clean(options, result) ? 0 : 1;
    }
}
