package io.sslstream.cli;

import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sslctl table}: the evaluation table of a model, from a running registry. */
@Command(name = "table", mixinStandardHelpOptions = true, description = "Print a model's versions with their evaluation numbers, a table per evaluation dataset.")
final class TableCommand implements Callable<Integer> {

    @Option(names = "--registry", defaultValue = "http://localhost:8081", description = "registry URL (default: ${DEFAULT-VALUE})")
    URI registry;

    @Option(names = "--model", defaultValue = "fmnist-simclr", description = "model name (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--dataset", description = "only the evaluations on this dataset id, e.g. fashion-mnist@10000/10000 "
            + "(default: a table per dataset the versions were evaluated on)")
    String dataset;

    @Option(names = "--token", description = "bearer token, if the registry requires one")
    String token;

    @Override
    public Integer call() {
        RegistryClient client = new RegistryClient(registry, token, Duration.ofSeconds(30));
        List<ModelVersion> all = client.allVersions(model);
        System.out.print(dataset == null ? EvaluationTable.render(model, all) : EvaluationTable.render(model, all, dataset));
        return 0;
    }
}
