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

    /** Args: bare repository folder, writer name, number of trials; or folder, writer, groups, group size. */
    public static void main(String[] args) {
        try (LineageStore store = LineageStore.open(Path.of(args[0]))) {
            if (args.length > 3) {
                recordGroups(store, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } else {
                recordChain(store, args[1], Integer.parseInt(args[2]));
            }
        }
    }

    /** The file trial {@code <writer>-<group>-<k>} of {@link #recordGroups} adds. */
    static String groupFile(String writer, int group, int k) {
        return "writer-" + writer + "/" + group + "-" + k + ".txt";
    }

    /**
     * Records {@code groups} groups of {@code size} trials through {@link LineageStore#recordTrials}, each trial of
     * a group adding its own file on top of the previous group's first trial, then a note and a best move each.
     */
    static List<TrialCommit> recordGroups(LineageStore store, String writer, int groups, int size) {
        List<TrialCommit> recorded = new ArrayList<>();
        String parent = "root";
        for (int g = 1; g <= groups; g++) {
            List<TrialSpec> specs = new ArrayList<>();
            for (int k = 1; k <= size; k++) {
                specs.add(new TrialSpec(writer + "-" + g + "-" + k, parent, "campaign-" + writer,
                        "specialist-" + writer, "data", "Add file " + k + " of group " + g,
                        LineageStore.unifiedDiff(groupFile(writer, g, k), null, "group " + g + " trial " + k + "\n")));
            }
            for (TrialRecording result : store.recordTrials(specs)) {
                TrialCommit commit = result.commitOrThrow();
                store.putOutcomeNote(commit.trialId(), "status: keep", "{\"trial\":\"" + commit.trialId() + "\"}");
                store.moveBest("campaign-" + writer, commit.trialId());
                recorded.add(commit);
            }
            parent = writer + "-" + g + "-1";
        }
        return recorded;
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
