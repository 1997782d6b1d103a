package dev.looplab.worker.replay;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialSpec;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A golf-mini lineage as the platform writes it (LineageStore): the real recipe as root trial {@code t0} and trial
 * {@code t1} raising the learning rate; plus the plain clone a paper's reader makes of it.
 */
final class GolfMiniLineage {
    static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();
    static final String ROOT = "t0";
    static final String TRIAL = "t1";

    private GolfMiniLineage() {
    }

    /** Creates the bare lineage {@code dir} with the two trials and no notes. */
    static Path create(Path dir, Path scratch) throws IOException {
        Path recipe = scratch.resolve("golf-mini-recipe");
        copyTree(RECIPES.resolve("golf-mini"), recipe);
        String source = Files.readString(recipe.resolve("Recipe.java"));
        String raised = source.replace("static final float LR = 1e-2f;", "static final float LR = 2e-2f;");
        if (raised.equals(source)) {
            throw new IllegalStateException("golf-mini's Recipe.java no longer declares LR = 1e-2f");
        }
        try (LineageStore store = LineageStore.open(dir)) {
            store.initRoot(ROOT, recipe, "golf-mini baseline");
            store.recordTrial(new TrialSpec(TRIAL, ROOT, "c1", "optimizer-specialist", "optimizer",
                    "A larger learning rate trains faster in few steps",
                    LineageStore.unifiedDiff("Recipe.java", source, raised)));
        }
        return dir;
    }

    /** Writes {@code note} as the outcome of its trial. */
    static void record(Path lineage, OutcomeNote note) {
        try (LineageStore store = LineageStore.open(lineage)) {
            store.putOutcomeNote(note.trial(), note.render());
        }
    }

    /** An outcome note with what a test needs: the status, score, seed and fingerprint. */
    static OutcomeNote note(String trial, TrialStatus status, Double score, Long seed, Map<String, String> environment) {
        return new OutcomeNote(trial, status, score, Direction.lower, ROOT, null, null, Map.of(), null, null, null,
                seed, "golf-mini-bpb", "1", null, "test-worker", 1, null, null, "recorded by the test", environment,
                null);
    }

    /** {@code git clone <lineage> <dir>}, then, when {@code withNotes}, {@code git fetch origin 'refs/notes/*:refs/notes/*'}. */
    static Path plainClone(Path lineage, Path dir, boolean withNotes) throws Exception {
        try (Git git = Git.cloneRepository().setURI(lineage.toUri().toString()).setDirectory(dir.toFile()).call()) {
            if (withNotes) {
                git.fetch().setRemote("origin").setRefSpecs(new RefSpec("refs/notes/*:refs/notes/*")).call();
            }
        }
        return dir;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
