package io.sslstream.cli;

import io.sslstream.contracts.SampleIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sslctl load-images}: streams a folder of PNG and JPEG images into {@code ssl.samples.raw}. */
@Command(name = "load-images", mixinStandardHelpOptions = true,
        description = "Stream the PNG and JPEG files of a folder (recursively) into ssl.samples.raw, keyed <dataset>/<relative path>.")
final class LoadImagesCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "folder of images; sub-folders are read too")
    Path dir;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--dataset", description = "dataset name in each sample and key (default: the folder's name)")
    String dataset;

    @Option(names = "--limit", defaultValue = "2147483647", description = "load at most this many images (in path order)")
    int limit;

    @Option(names = "--max-bytes", defaultValue = "1000000",
            description = "skip larger files; a record must fit the topic's max.message.bytes (default: ${DEFAULT-VALUE})")
    int maxBytes;

    @Override
    public Integer call() throws Exception {
        Path abs = dir.toAbsolutePath().normalize();
        String name = dataset != null ? dataset : abs.getFileName() == null ? "images" : abs.getFileName().toString();
        if (!SampleIds.isDataset(name)) {
            System.err.println(SampleIds.datasetProblem(name).orElseThrow() + (dataset == null
                    ? " (it defaults to the folder's name): give one with --dataset" : ""));
            return 2;
        }
        ImageFolderLoader.Result r = ImageFolderLoader.load(bootstrap, abs, name, limit, maxBytes, System.out, System.err, () -> true);
        System.out.printf("%,d images stored in ssl.samples.raw%s%n", r.sent(),
                r.skipped().isEmpty() ? "" : String.format(", %,d skipped (listed above)", r.skipped().size()));
        return 0;
    }
}
