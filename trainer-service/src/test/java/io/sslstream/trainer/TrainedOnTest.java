package io.sslstream.trainer;

import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The data provenance of a run's checkpoints: datasets, recipes and recipe versions seen since the run started. */
class TrainedOnTest {

    static ViewQueue.Item item(String recipe, int version, String dataset) {
        ViewSet vs = new ViewSet("s", recipe, version, 0, List.of(new View(2, 2, 1, new byte[4])), null);
        return new ViewQueue.Item(vs, "ssl.views." + recipe, 0, 0, dataset);
    }

    @Test
    void sortedListsOfWhatWasSeenAndUnknownForRecordsWithoutADataset() {
        TrainedOn on = new TrainedOn();
        assertThat(on.provenance()).containsEntry(Provenance.DATASET, "unknown").containsEntry(Provenance.RECIPE, "unknown");
        on.add(item("simclr", 10, "shop"));
        on.add(item("simclr", 2, "fashion-mnist"));
        on.add(item("simclr", 2, "fashion-mnist"));
        assertThat(on.provenance()).isEqualTo(Map.of(Provenance.DATASET, "fashion-mnist,shop", Provenance.RECIPE, "simclr",
                Provenance.RECIPE_VERSION, "2,10"));
        on.add(item("simclr", 2, null));
        assertThat(on.provenance()).containsEntry(Provenance.DATASET, "fashion-mnist,shop,unknown");
    }

    @Test
    void aResumedRunGoesOnFromItsCheckpointAndAnOlderCheckpointCountsAsUnknown() {
        TrainedOn resumed = new TrainedOn();
        resumed.restore(Map.of(Provenance.DATASET, "fashion-mnist", Provenance.RECIPE, "byol", Provenance.RECIPE_VERSION, "1"));
        resumed.add(item("byol", 2, "fashion-mnist"));
        assertThat(resumed.provenance()).isEqualTo(Map.of(Provenance.DATASET, "fashion-mnist", Provenance.RECIPE, "byol",
                Provenance.RECIPE_VERSION, "1,2"));

        TrainedOn fromOld = new TrainedOn();
        fromOld.restore(Map.of(Provenance.ENGINE, "PyTorch")); // written before these keys existed
        fromOld.add(item("byol", 1, "fashion-mnist"));
        assertThat(fromOld.provenance()).isEqualTo(Map.of(Provenance.DATASET, "fashion-mnist,unknown", Provenance.RECIPE,
                "byol,unknown", Provenance.RECIPE_VERSION, "1,unknown"));
    }
}
