package dev.looplab.lineage;

import dev.looplab.trial.TrialStatus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing a lineage's loose objects while another writer records: nothing is lost, git and the store agree. */
class LineageMaintenanceTest {

    static final int BEFORE = 30;
    static final int DURING = 120;

    @TempDir
    Path temp;

    private static void record(LineageStore into, int i) {
        String parent = i == 1 ? "t0" : "m" + (i - 1);
        String before = into.readFile(parent, Recipes.RECIPE);
        into.recordTrial(new TrialSpec("m" + i, parent, "c1", "optimizer", "optimizer", "Step " + i,
                LineageStore.unifiedDiff(Recipes.RECIPE, before,
                        before.replace("KNOB_4 = " + (i + 3) + ";", "KNOB_4 = " + (i + 4) + ";"))));
        into.putOutcomeNote("m" + i, "status: discard", "{\"status\":\"discard\",\"score\":" + i + "}");
    }

    @Test
    void givenLooseObjects_whenPackedWhileAnotherWriterRecords_thenEveryTrialAndNoteSurvives() throws Exception {
        Path repoDir = temp.resolve("task.git");
        GitCli git = new GitCli(repoDir);
        try (LineageStore store = LineageStore.open(repoDir); LineageStore other = LineageStore.open(repoDir)) {
            store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline");
            for (int i = 1; i <= BEFORE; i++) {
                record(store, i);
            }
            long looseBefore = store.looseObjects();
            AtomicInteger recorded = new AtomicInteger();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = BEFORE + 1; i <= BEFORE + DURING; i++) {
                    record(other, i);
                    recorded.incrementAndGet();
                }
            });

            // when: maintenance runs, again and again, until the other writer is done
            MaintenanceResult first = store.maintain();
            int recordedDuringFirstRun = recorded.get();
            while (!writer.isDone()) {
                store.maintain();
            }
            writer.get(2, TimeUnit.MINUTES);
            MaintenanceResult last = store.maintain();

            // then: the first run overlapped the writer and packed what was loose; the last left nothing loose
            assertThat(recordedDuringFirstRun).as("trials recorded by the time the first run ended")
                    .isLessThan(DURING);
            assertThat(first.looseObjectsBefore()).isGreaterThanOrEqualTo(looseBefore).isGreaterThan(3L * BEFORE);
            assertThat(last.looseObjectsAfter()).isZero();
            // packs replaced less than an hour ago stay (JGit's grace period for concurrent readers and writers)
            assertThat(last.packsAfter()).isPositive();
        }
        assertThat(git.run("fsck", "--full", "--no-dangling").strip()).isEmpty();
        try (LineageStore fresh = LineageStore.open(repoDir)) {
            assertThat(fresh.treeRows()).hasSize(1 + BEFORE + DURING);
            assertThat(fresh.chainRows("m" + (BEFORE + DURING))).hasSize(1 + BEFORE + DURING)
                    .allSatisfy(row -> assertThat(row.status()).isEqualTo(row.depth() == 0 ? null : TrialStatus.discard));
            assertThat(fresh.readFile("m" + (BEFORE + DURING), Recipes.RECIPE))
                    .contains("KNOB_4 = " + (BEFORE + DURING + 4) + ";");
            assertThat(fresh.looseObjects()).isZero();
        }
    }
}
