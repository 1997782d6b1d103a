package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentRecordingTest {

    static final int TRIALS_PER_WRITER = 50;
    static final List<String> WRITERS = List.of("a", "b");

    @TempDir
    Path temp;

    private Path repoWithRoot() {
        Path repoDir = temp.resolve("task.git");
        try (LineageStore setup = LineageStore.open(repoDir)) {
            setup.initRoot("root", Recipes.write(temp.resolve("recipe")), "Baseline");
        }
        return repoDir;
    }

    /**
     * Each thread has its own store (its own JGit Repository and ref cache) and records a chain of 50
     * trials, a note per trial and a best move per trial, all racing on the shared notes ref.
     */
    @Test
    void twoThreadsRecordingFiftyTrialsEachLoseNothing() throws Exception {
        Path repoDir = repoWithRoot();
        CyclicBarrier start = new CyclicBarrier(WRITERS.size());
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS.size());
        List<Future<List<TrialCommit>>> writers = new ArrayList<>();
        for (String writer : WRITERS) {
            writers.add(pool.submit(() -> {
                try (LineageStore store = LineageStore.open(repoDir)) {
                    start.await();
                    return ChainWriter.recordChain(store, writer, TRIALS_PER_WRITER);
                }
            }));
        }
        List<TrialCommit> recorded = new ArrayList<>();
        for (Future<List<TrialCommit>> writer : writers) {
            recorded.addAll(writer.get(5, TimeUnit.MINUTES));
        }
        pool.shutdown();

        assertThat(recorded).hasSize(WRITERS.size() * TRIALS_PER_WRITER);
        assertNothingLost(repoDir);
    }

    @Test
    void twoProcessesRecordingFiftyTrialsEachLoseNothing() throws Exception {
        Path repoDir = repoWithRoot();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (String writer : WRITERS) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ChainWriter.class.getName(), repoDir.toString(), writer, String.valueOf(TRIALS_PER_WRITER))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("writer-" + writer + ".log").toFile())
                    .start());
        }

        for (Process process : processes) {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as("writer exit; log in %s", temp).isZero();
        }

        assertNothingLost(repoDir);
    }

    /** Like the chains, through recordTrials: each process writes ten groups of five, so each adds packs and merges. */
    @Test
    void twoProcessesRecordingGroupsLoseNothing() throws Exception {
        Path repoDir = repoWithRoot();
        int groups = 10;
        int size = 5;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (String writer : WRITERS) {
            processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ChainWriter.class.getName(), repoDir.toString(), writer, String.valueOf(groups),
                    String.valueOf(size))
                    .redirectErrorStream(true)
                    .redirectOutput(temp.resolve("group-writer-" + writer + ".log").toFile())
                    .start());
        }

        for (Process process : processes) {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as("writer exit; log in %s", temp).isZero();
        }

        try (LineageStore store = LineageStore.open(repoDir)) {
            assertThat(store.listTrials()).hasSize(WRITERS.size() * groups * size + 1);
            for (String writer : WRITERS) {
                assertThat(store.bestTrial("campaign-" + writer)).contains(writer + "-" + groups + "-" + size);
                for (int g = 1; g <= groups; g++) {
                    for (int k = 1; k <= size; k++) {
                        String id = writer + "-" + g + "-" + k;
                        assertThat(store.readFile(id, ChainWriter.groupFile(writer, g, k)))
                                .isEqualTo("group " + g + " trial " + k + "\n");
                        assertThat(store.chainToRoot(id)).hasSize(g + 1);
                        assertThat(store.outcomeNote(id)).as("note of %s", id)
                                .contains("status: keep\n\n```json\n{\"trial\":\"" + id + "\"}\n```\n");
                    }
                }
            }
        }
        GitCli git = new GitCli(repoDir);
        assertThat(git.run("rev-list", "--count", "refs/notes/outcomes").strip())
                .isEqualTo(String.valueOf(WRITERS.size() * groups * size));
        assertThat(git.run("count-objects", "-v")).containsPattern("(?m)^packs: [0-9]$");
        GitCli.Result fsck = git.tryRun("fsck", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }

    private static void assertNothingLost(Path repoDir) {
        try (LineageStore store = LineageStore.open(repoDir)) {
            assertThat(store.listTrials()).hasSize(WRITERS.size() * TRIALS_PER_WRITER + 1);
            for (String writer : WRITERS) {
                String last = writer + "-" + TRIALS_PER_WRITER;
                List<TrialInfo> chain = store.chainToRoot(last);
                assertThat(chain).hasSize(TRIALS_PER_WRITER + 1);
                assertThat(store.readFile(last, "writer-" + writer + ".txt").lines()).hasSize(TRIALS_PER_WRITER);
                assertThat(store.bestTrial("campaign-" + writer)).contains(last);
                for (TrialInfo trial : chain.subList(1, chain.size())) {
                    assertThat(store.outcomeNote(trial.trialId())).as("note of %s", trial.trialId())
                            .contains("status: keep\n\n```json\n{\"trial\":\"" + trial.trialId() + "\"}\n```\n");
                }
            }
        }
        GitCli git = new GitCli(repoDir);
        assertThat(git.run("rev-list", "--count", "refs/notes/outcomes").strip())
                .isEqualTo(String.valueOf(WRITERS.size() * TRIALS_PER_WRITER));
        GitCli.Result fsck = git.tryRun("fsck", "--no-dangling");
        assertThat(fsck.exit()).as(fsck.stderr()).isZero();
    }
}
