package dev.looplab.lineage.importer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.lineage.LineageStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's import speed target: a generated ARR blackboard of {@code -Dlooplab.bench.rows} rows (1,000 by default,
 * every shape of {@link ArrHistoryGenerator}) imported into a fresh lineage, then imported again (a no-op). Runs only
 * with {@code -Dlooplab.bench=true}; prints a markdown row and writes it to {@code target/bench/import.md}.
 */
@EnabledIfSystemProperty(named = "looplab.bench", matches = "true")
class ImportBenchmark {

    static final int ROWS = Integer.getInteger("looplab.bench.rows", 1_000);

    @TempDir
    Path tmp;

    @Test
    void importsAThousandRowBlackboardInSeconds() throws IOException {
        Path dir = tmp.resolve("run").resolve("blackboard");
        ArrHistoryGenerator.Expected expected = ArrHistoryGenerator.write(dir, ROWS, 7);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        long start = System.nanoTime();
        ImportReport report;
        try (LineageStore store = LineageStore.open(tmp.resolve("bench.git"))) {
            report = HistoryImporter.importInto(store, ImportFormat.arr, dir, "bench", ImportOptions.none());
        }
        double first = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        try (LineageStore store = LineageStore.open(tmp.resolve("bench.git"))) {
            HistoryImporter.importInto(store, ImportFormat.arr, dir, "bench", ImportOptions.none());
        }
        double again = (System.nanoTime() - start) / 1e9;

        assertThat(report.trials()).hasSize(expected.importable().size());
        assertThat(report.bestTrialId()).isEqualTo("bench-" + expected.bestId());
        String row = String.format(Locale.ROOT, "| %s | %d rows (%d imported, %d recovered, %d skipped) | %.1f s |"
                + " %.1f s | %.0f rows/s | %.1f |", LocalDate.now(), ROWS, report.trials().size(),
                report.recovered().size(), report.skipped().size(), first, again, ROWS / first, load);
        System.out.println("| date | history | first import | import again | rate | load average |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.println(row);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("import.md"), row + "\n");
    }
}
