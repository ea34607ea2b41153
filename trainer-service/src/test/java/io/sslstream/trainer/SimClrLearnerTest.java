package io.sslstream.trainer;

import ai.djl.Device;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.encoder.Encoders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SimClrLearnerTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");

    @Test
    void lossFallsOnRealImages() throws IOException {
        FashionMnist.Split data = FashionMnist.read(SUBSET, "train", 4000);
        InputSpec input = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));
        SplittableRandom rnd = new SplittableRandom(1);
        int batch = 32;
        List<Float> losses = new ArrayList<>();
        try (SimClrLearner learner = new SimClrLearner(Encoders.smallCnn(), input, List.of(128, 64), 0.5, 0, batch, 0, Device.cpu())) {
            for (int step = 0; step < 40; step++) {
                List<ViewSet> views = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    int idx = rnd.nextInt(data.count());
                    views.add(TestViews.twoViews("s" + idx, data.images().item(idx), rnd));
                }
                losses.add(learner.step(views, 1e-3));
            }
        }
        double first = losses.subList(0, 5).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(losses).allMatch(l -> Float.isFinite(l));
        // chance level is log(2N - 1) = log(63) = 4.14; learning must pull the loss well below the start
        assertThat(first).isGreaterThan(3.0);
        assertThat(last).isLessThan(first - 0.3);
    }
}
