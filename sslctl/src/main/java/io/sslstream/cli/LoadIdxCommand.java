package io.sslstream.cli;

import io.sslstream.contracts.SampleIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sslctl load-idx}: streams an IDX images file into {@code ssl.samples.raw}. */
@Command(name = "load-idx", mixinStandardHelpOptions = true,
        description = "Stream the images of an IDX file (e.g. Fashion-MNIST's, gzip or not) into ssl.samples.raw.")
final class LoadIdxCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, description = "IDX images file, e.g. /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    Path images;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "dataset name in each sample and key (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--split", defaultValue = "train", description = "split name in each key (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "2147483647", description = "load at most this many images")
    int limit;

    @Override
    public Integer call() throws Exception {
        var problem = SampleIds.datasetProblem(dataset).or(() -> SampleIds.sampleIdProblem(dataset + "/" + split + "/0")
                .map(p -> "--split " + SampleIds.quote(split) + " makes ids the platform refuses: " + p));
        if (problem.isPresent()) {
            System.err.println(problem.get());
            return 2;
        }
        long n = RawSampleLoader.load(bootstrap, images, dataset, split, limit, System.out, () -> true);
        System.out.printf("%,d samples stored in ssl.samples.raw%n", n);
        return 0;
    }
}
