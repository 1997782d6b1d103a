package dev.looplab.lineage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a chain of trials, each with an outcome note and a best move; run in-process by tests or as
 * a separate JVM ({@code main}) to race a second process on one repository.
 */
final class ChainWriter {

    private ChainWriter() {
    }

    /** Args: bare repository folder, writer name, number of trials. */
    public static void main(String[] args) {
        try (LineageStore store = LineageStore.open(Path.of(args[0]))) {
            recordChain(store, args[1], Integer.parseInt(args[2]));
        }
    }

    static List<TrialCommit> recordChain(LineageStore store, String writer, int trials) {
        List<TrialCommit> chain = new ArrayList<>();
        String parent = "root";
        String file = "writer-" + writer + ".txt";
        String text = null;
        for (int i = 1; i <= trials; i++) {
            String id = writer + "-" + i;
            String next = (text == null ? "" : text) + "step " + i + "\n";
            TrialSpec spec = new TrialSpec(id, parent, "campaign-" + writer, "specialist-" + writer, "data",
                    "Append step " + i, LineageStore.unifiedDiff(file, text, next));
            chain.add(store.recordTrial(spec));
            store.putOutcomeNote(id, "status: keep", "{\"trial\":\"" + id + "\"}");
            store.moveBest("campaign-" + writer, id);
            parent = id;
            text = next;
        }
        return chain;
    }
}
