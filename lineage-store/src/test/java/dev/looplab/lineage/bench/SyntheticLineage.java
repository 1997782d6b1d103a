package dev.looplab.lineage.bench;

import dev.looplab.lineage.LineageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.TreeMap;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.notes.NoteMap;

/**
 * Builds a large lineage fast, in the layout {@link LineageStore} writes: the root through the store, then every
 * trial commit, tree, recipe blob and outcome note through one pack inserter, and all refs in one packed-refs
 * file. The search tree is a seeded, plausible one: most trials extend the current best, some a recent trial,
 * some any trial; a trial that beats the best becomes the best.
 */
public final class SyntheticLineage {

    public static final String RECIPE = "Recipe.java";
    public static final String CONFIG = "conf/train.yaml";
    public static final String CAMPAIGN = "bench";
    static final int KNOBS = 30;
    static final List<String> SPECIALISTS =
            List.of("optimizer", "architecture", "loop", "data", "regularisation", "schedule");
    private static final long EPOCH = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();

    /**
     * What was generated: trial {@code i} is {@code "t" + i}, {@code parents[i]} its parent's index (root 0 has
     * -1), {@code best} the campaign's best trial, {@code subtreeRoot} the trial whose subtree size is closest to
     * the asked one.
     */
    public record Generated(Path dir, int trials, int[] parents, int[][] knobs, int best, int bestDepth,
            int subtreeRoot, int subtreeSize) {

        public static String id(int index) {
            return "t" + index;
        }

        /** The recipe text of trial {@code index}, so a benchmark can write a diff against it. */
        public String recipeOf(int index) {
            return recipeText(knobs[index]);
        }
    }

    private SyntheticLineage() {
    }

    /** The baseline recipe with the given knob values: about 1.3 KB, like a small recipe's header of knobs. */
    public static String recipeText(int[] knobs) {
        StringBuilder text = new StringBuilder("public class Recipe {\n");
        for (int k = 0; k < knobs.length; k++) {
            text.append("    static final int KNOB_").append(k + 1).append(" = ").append(knobs[k])
                    .append("; // @knob surface=").append(SPECIALISTS.get(k % SPECIALISTS.size()))
                    .append(" range=[1,1000]\n");
        }
        return text.append("    public static void main(String[] args) {\n        train();\n    }\n}\n").toString();
    }

    /**
     * Generates a lineage of {@code trials} trials plus the root into {@code dir} (which must not exist), each with
     * an outcome note, and a subtree root whose subtree size is closest to {@code subtreeSize}.
     */
    public static Generated generate(Path dir, int trials, long seed, int subtreeSize) {
        return generate(dir, trials, seed, subtreeSize, false);
    }

    /**
     * Like {@link #generate(Path, int, long, int)}; with {@code looseObjects} every object is its own file, as
     * {@link LineageStore#recordTrial} leaves them until a maintenance run packs them.
     */
    public static Generated generate(Path dir, int trials, long seed, int subtreeSize, boolean looseObjects) {
        return generate(dir, trials, seed, subtreeSize, looseObjects, "t");
    }

    /**
     * Like {@link #generate(Path, int, long, int, boolean)} with trial ids {@code idPrefix + i}, so two generated
     * lineages can share one database (trial ids are unique across tasks); {@link Generated#id} stays {@code "t" + i}.
     */
    public static Generated generate(Path dir, int trials, long seed, int subtreeSize, boolean looseObjects,
                                     String idPrefix) {
        try {
            return write(dir, trials, seed, subtreeSize, looseObjects, idPrefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate a lineage in " + dir, e);
        }
    }

    private static Generated write(Path dir, int trials, long seed, int wantedSubtree, boolean looseObjects,
                                   String idPrefix) throws IOException {
        Path recipeDir = Files.createTempDirectory("synthetic-recipe");
        int[][] knobs = new int[trials + 1][];
        knobs[0] = new int[KNOBS];
        for (int k = 0; k < KNOBS; k++) {
            knobs[0][k] = k + 1;
        }
        Files.createDirectories(recipeDir.resolve("conf"));
        Files.writeString(recipeDir.resolve(RECIPE), recipeText(knobs[0]));
        Files.writeString(recipeDir.resolve(CONFIG), "steps: 100\nbatch: 32\n");
        String rootCommit;
        try (LineageStore store = LineageStore.open(dir)) {
            rootCommit = store.initRoot(idPrefix + (0), recipeDir, "Baseline recipe").commitId();
        }

        Random random = new Random(seed);
        int[] parents = new int[trials + 1];
        double[] scores = new double[trials + 1];
        parents[0] = -1;
        scores[0] = 4.0;
        int best = 0;
        ObjectId[] commits = new ObjectId[trials + 1];
        commits[0] = ObjectId.fromString(rootCommit);
        Map<String, ObjectId> refs = new TreeMap<>();
        try (FileRepository repo = new FileRepository(dir.toFile());
                ObjectInserter inserter = looseObjects ? repo.newObjectInserter() : bulkInserter(repo)) {
            ObjectId config = inserter.insert(Constants.OBJ_BLOB, "steps: 100\nbatch: 32\n".getBytes(StandardCharsets.UTF_8));
            TreeFormatter confTree = new TreeFormatter();
            confTree.append("train.yaml", FileMode.REGULAR_FILE, config);
            ObjectId conf = inserter.insert(confTree);
            NoteMap notes = NoteMap.newEmptyMap();
            for (int i = 1; i <= trials; i++) {
                double pick = random.nextDouble();
                int parent = pick < 0.5 ? best
                        : pick < 0.8 ? Math.max(0, i - 1 - random.nextInt(Math.min(i, 200)))
                        : random.nextInt(i);
                parents[i] = parent;
                knobs[i] = knobs[parent].clone();
                int knob = random.nextInt(KNOBS);
                int value = knobs[i][knob] == 1000 ? 1 : knobs[i][knob] + 1 + random.nextInt(1000 - knobs[i][knob]);
                knobs[i][knob] = value;
                String specialist = SPECIALISTS.get(knob % SPECIALISTS.size());

                ObjectId blob = inserter.insert(Constants.OBJ_BLOB, recipeText(knobs[i]).getBytes(StandardCharsets.UTF_8));
                TreeFormatter tree = new TreeFormatter();
                tree.append(RECIPE, FileMode.REGULAR_FILE, blob);
                tree.append("conf", FileMode.TREE, conf);
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(inserter.insert(tree));
                commit.setParentId(commits[parent]);
                PersonIdent looplab = new PersonIdent("Looplab", "looplab@localhost",
                        new java.util.Date((EPOCH + i) * 1000), TimeZone.getTimeZone("UTC"));
                commit.setAuthor(looplab);
                commit.setCommitter(looplab);
                commit.setEncoding(StandardCharsets.UTF_8);
                commit.setMessage("Set KNOB_" + (knob + 1) + " to " + value + "\n\n"
                        + "Looplab-Trial: " + idPrefix + (i) + "\n"
                        + "Looplab-Parent: " + idPrefix + (parent) + "\n"
                        + "Looplab-Specialist: " + specialist + "\n"
                        + "Looplab-Surface: " + specialist + "\n"
                        + "Looplab-Campaign: " + CAMPAIGN + "\n");
                commits[i] = inserter.insert(commit);
                refs.put(LineageStore.TRIAL_REFS + idPrefix + (i), commits[i]);

                scores[i] = scores[parent] + random.nextGaussian() * 0.02 + 0.004;
                boolean keep = scores[i] < scores[best];
                if (keep) {
                    best = i;
                }
                notes.set(commits[i], inserter.insert(Constants.OBJ_BLOB,
                        note(idPrefix, i, keep ? "keep" : "discard", scores[i]).getBytes(StandardCharsets.UTF_8)));
            }
            CommitBuilder notesCommit = new CommitBuilder();
            notesCommit.setTreeId(notes.writeTree(inserter));
            PersonIdent looplab = new PersonIdent("Looplab", "looplab@localhost");
            notesCommit.setAuthor(looplab);
            notesCommit.setCommitter(looplab);
            notesCommit.setMessage("Outcomes of " + trials + " generated trials\n");
            refs.put(LineageStore.OUTCOME_NOTES, inserter.insert(notesCommit));
            refs.put(LineageStore.BEST_REFS + CAMPAIGN, commits[best]);
            inserter.flush();

            // Keep refs the store wrote loose (root, root trial) and pack the rest in one file, sorted as git wants.
            for (Ref loose : repo.getRefDatabase().getRefs()) {
                refs.remove(loose.getName());
            }
            StringBuilder packed = new StringBuilder("# pack-refs with: peeled fully-peeled sorted \n");
            refs.forEach((name, id) -> packed.append(id.name()).append(' ').append(name).append('\n'));
            Files.writeString(dir.resolve(Constants.PACKED_REFS), packed.toString());
        }

        int[] sizes = new int[trials + 1];
        int[] depths = new int[trials + 1];
        for (int i = 1; i <= trials; i++) {
            depths[i] = depths[parents[i]] + 1;
        }
        for (int i = trials; i >= 0; i--) {
            sizes[i]++;
            if (i > 0) {
                sizes[parents[i]] += sizes[i];
            }
        }
        int subtreeRoot = 0;
        for (int i = 1; i <= trials; i++) {
            if (Math.abs(sizes[i] - wantedSubtree) < Math.abs(sizes[subtreeRoot] - wantedSubtree)) {
                subtreeRoot = i;
            }
        }
        return new Generated(dir, trials, parents, knobs, best, depths[best], subtreeRoot, sizes[subtreeRoot]);
    }

    private static ObjectInserter bulkInserter(FileRepository repo) {
        PackInserter inserter = repo.getObjectDatabase().newPackInserter();
        inserter.checkExisting(false);
        return inserter;
    }

    private static String note(String idPrefix, int trial, String status, double score) {
        return String.format(Locale.ROOT, "Outcome of trial %s: %s%nscore: %.6f (min is better)%n%n```json%n"
                + "{%n  \"trial\" : \"%s\",%n  \"status\" : \"%s\",%n  \"score\" : %.6f,%n  \"direction\" : \"min\"%n}%n```%n",
                idPrefix + trial, status, score, idPrefix + trial, status, score);
    }
}
