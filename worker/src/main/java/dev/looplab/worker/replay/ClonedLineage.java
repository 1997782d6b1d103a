package dev.looplab.worker.replay;

import dev.looplab.access.PlatformToken;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.note.MalformedNoteException;
import dev.looplab.lineage.note.OutcomeNote;
import dev.looplab.lineage.note.RerunNote;
import dev.looplab.trial.TrialStatus;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Looplab lineage on this machine, read with plain git: a folder (the platform's bare repository, or a reader's
 * {@code git clone} whose notes were fetched) read in place, or a URL (the platform's {@code /git/<task>.git})
 * fetched once, branches and notes, into a bare repository of the replay's own.
 */
final class ClonedLineage implements AutoCloseable {
    /** Where a plain clone keeps the lineage's trial branches. */
    static final String CLONED_TRIAL_REFS = "refs/remotes/origin/trial/";

    private final Git git;
    private final String source;
    private final boolean folder;

    private ClonedLineage(Git git, String source, boolean folder) {
        this.git = git;
        this.source = source;
        this.folder = folder;
    }

    /**
     * Opens {@code source}: a folder in place, or a URL fetched into {@code workDir}/lineage.git.
     *
     * @throws ReplayRefusedException when the folder is no git repository or the URL does not answer
     */
    static ClonedLineage open(String source, Path workDir, Optional<PlatformToken> token) {
        if (!isUrl(source)) {
            Path dir = Path.of(source).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new ReplayRefusedException("the lineage folder " + dir + " does not exist: pass a clone of a"
                        + " Looplab lineage (git clone <platform>/git/<task>.git) or the lineage's URL");
            }
            try {
                return new ClonedLineage(Git.open(dir.toFile()), dir.toString(), true);
            } catch (RepositoryNotFoundException e) {
                throw new ReplayRefusedException(dir + " is not a git repository: pass a clone of a Looplab lineage"
                        + " (git clone <platform>/git/<task>.git) or the lineage's URL");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + dir + ": " + e.getMessage(), e);
            }
        }
        Path bare = workDir.resolve("lineage.git");
        CredentialsProvider credentials = token
                .<CredentialsProvider>map(t -> new UsernamePasswordCredentialsProvider("looplab", t.secret()))
                .orElse(CredentialsProvider.getDefault());
        Git git = null;
        try {
            git = Git.init().setBare(true).setDirectory(bare.toFile()).call();
            // a plain clone leaves the notes behind: they hold every outcome, so fetch them with the branches
            git.fetch().setRemote(source).setCredentialsProvider(credentials)
                    .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/notes/*:refs/notes/*"))
                    .call();
            pointHeadAtABranch(git.getRepository());
            return new ClonedLineage(git, source, false);
        } catch (GitAPIException | IOException | RuntimeException e) {
            if (git != null) {
                git.close();
            }
            throw new ReplayRefusedException("cannot fetch the lineage from " + source + " (" + e.getMessage()
                    + "): check the URL (a platform serves each task's lineage at <platform>/git/<task>.git) and that"
                    + " it answers; a platform that asks for a token reads LOOPLAB_TOKEN, or pass a folder you cloned",
                    e);
        }
    }

    /** A fresh repository's HEAD names a branch the lineage lacks, and a clone of it (the trial's checkout) needs one. */
    private static void pointHeadAtABranch(Repository repo) throws IOException {
        if (repo.exactRef(Constants.HEAD) != null && repo.exactRef(Constants.HEAD).getObjectId() != null) {
            return;
        }
        List<Ref> branches = repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS);
        if (!branches.isEmpty()) {
            repo.updateRef(Constants.HEAD).link(branches.get(0).getName());
        }
    }

    static boolean isUrl(String source) {
        return source.matches("(?i)(https?|git|ssh|file)://.*") || source.matches("[^/]+@[^/:]+:.*");
    }

    /** What JGit fetches the trial's commit from: the folder's repository, or the bare copy of a URL. */
    String fetchUrl() {
        return git.getRepository().getDirectory().getAbsolutePath();
    }

    /**
     * Reads what the lineage recorded about {@code trialId}.
     *
     * @throws ReplayRefusedException for an unknown trial, a lineage without notes, a trial without (or with an
     *                                unreadable) outcome note, a note without seed, or a commit without task.yaml
     */
    RecordedTrial trial(String trialId) {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            Ref ref = Optional.ofNullable(repo.exactRef(LineageStore.TRIAL_REFS + trialId))
                    .orElse(repo.exactRef(CLONED_TRIAL_REFS + trialId));
            if (ref == null) {
                throw new ReplayRefusedException(unknownTrial(trialId));
            }
            RevCommit commit = walk.parseCommit(ref.getObjectId());
            Ref outcomes = repo.exactRef(LineageStore.OUTCOME_NOTES);
            if (outcomes == null) {
                throw new ReplayRefusedException("the lineage at " + source + " has no outcome notes ("
                        + LineageStore.OUTCOME_NOTES + "): " + (folder ? "a plain git clone leaves notes behind; run"
                        + " git -C " + source + " fetch origin 'refs/notes/*:refs/notes/*' and try again, or pass the"
                        + " lineage's URL" : "no trial of it was recorded yet"));
            }
            String text = note(walk, outcomes, commit).orElseThrow(() -> new ReplayRefusedException("trial " + trialId
                    + " has no outcome note on " + LineageStore.OUTCOME_NOTES + ": it is not recorded yet (queued,"
                    + " running or refused); replay it once its outcome is recorded, after a fresh fetch of the notes"));
            OutcomeNote outcome;
            try {
                outcome = OutcomeNote.parse(text);
            } catch (MalformedNoteException e) {
                throw new ReplayRefusedException("the outcome note of trial " + trialId + " does not read ("
                        + e.getMessage() + "): only notes Looplab recorded can be replayed", e);
            }
            if (outcome.imported() != null) {
                throw new ReplayRefusedException("trial " + trialId + " was imported from " + outcome.imported().source()
                        + ", not run by Looplab: its note records no seed or step count to replay");
            }
            if (outcome.seed() == null) {
                throw new ReplayRefusedException("the outcome note of trial " + trialId + " records no seed: without"
                        + " it the run cannot be repeated; only trials a Looplab worker ran can be replayed");
            }
            RevCommit root = commit;
            while (root.getParentCount() > 0) {
                root = walk.parseCommit(root.getParent(0));
            }
            return new RecordedTrial(trialId, commit.name(), taskOf(repo, commit, trialId), outcome,
                    baselineScores(walk, outcomes, root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lineage at " + source + ": " + e.getMessage(), e);
        }
    }

    private String unknownTrial(String trialId) throws IOException {
        // a clone holds a trial's branch twice once it was checked out: origin's and the local one
        java.util.SortedSet<String> found = new java.util.TreeSet<>();
        for (String prefix : List.of(LineageStore.TRIAL_REFS, CLONED_TRIAL_REFS)) {
            for (Ref r : git.getRepository().getRefDatabase().getRefsByPrefix(prefix)) {
                found.add(r.getName().substring(prefix.length()));
            }
        }
        List<String> known = new ArrayList<>(found);
        if (known.isEmpty()) {
            return "unknown trial '" + trialId + "': " + source + " holds no Looplab trials (no " + LineageStore.TRIAL_REFS
                    + "* or " + CLONED_TRIAL_REFS + "* branches); pass a clone of a Looplab lineage";
        }
        return "unknown trial '" + trialId + "' in the lineage at " + source + ": it records " + known.size()
                + " trials (" + String.join(", ", known.subList(0, Math.min(5, known.size())))
                + (known.size() > 5 ? ", ..." : "") + "); git branch -a --list '*trial/*' lists them";
    }

    /** The scores of the task's baseline: the root's own outcome and the noise-floor runs of the root commit. */
    private List<Double> baselineScores(RevWalk walk, Ref outcomes, RevCommit root) throws IOException {
        List<Double> scores = new ArrayList<>();
        note(walk, outcomes, root).map(OutcomeNote::summary)
                .filter(s -> s.score() != null && s.status() != null && s.status().isScored())
                .ifPresent(s -> scores.add(s.score()));
        Ref replays = git.getRepository().exactRef(LineageStore.REPLAY_NOTES);
        if (replays != null) {
            note(walk, replays, root).map(RerunNote::parseAll).orElse(List.of()).stream()
                    .filter(r -> RerunNote.KIND_NOISE.equals(r.kind()) && r.score() != null
                            && r.status() != TrialStatus.crash)
                    .forEach(r -> scores.add(r.score()));
        }
        return scores;
    }

    private Optional<String> note(RevWalk walk, Ref notesRef, AnyObjectId commit) throws IOException {
        NoteMap notes = NoteMap.read(walk.getObjectReader(), walk.parseCommit(notesRef.getObjectId()));
        ObjectId blob = notes.get(commit);
        return blob == null ? Optional.empty()
                : Optional.of(new String(git.getRepository().open(blob).getBytes(), StandardCharsets.UTF_8));
    }

    /** The task named by the commit's task.yaml (at its root, or in recipes/<task>/), read as the catalog reads it. */
    private String taskOf(Repository repo, RevCommit commit, String trialId) throws IOException {
        String yaml = null;
        try (TreeWalk tree = new TreeWalk(repo)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            tree.setFilter(PathSuffixFilter.create("/" + TaskDefinition.FILE_NAME));
            TreeWalk atRoot = TreeWalk.forPath(repo, TaskDefinition.FILE_NAME, commit.getTree());
            if (atRoot != null) {
                yaml = new String(repo.open(atRoot.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                atRoot.close();
            }
            while (yaml == null && tree.next()) {
                if (tree.getPathString().matches("recipes/[^/]+/" + TaskDefinition.FILE_NAME)) {
                    yaml = new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        if (yaml == null) {
            throw new ReplayRefusedException("the commit " + commit.name() + " of trial " + trialId + " holds no "
                    + TaskDefinition.FILE_NAME + " (at its root or in recipes/<task>/): it is not a Looplab recipe");
        }
        Path dir = Files.createTempDirectory("looplab-task");
        try {
            Files.writeString(dir.resolve(TaskDefinition.FILE_NAME), yaml);
            return TaskDefinition.load(dir).name();
        } catch (TaskDefinition.InvalidTaskException e) {
            throw new ReplayRefusedException("the task.yaml of trial " + trialId + " does not read: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(dir.resolve(TaskDefinition.FILE_NAME));
            Files.deleteIfExists(dir);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
