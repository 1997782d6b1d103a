package dev.looplab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The open bare repository of one lineage and what every part of the store needs of it: a trial's commit by id,
 * a new commit by Looplab, and I/O errors turned into {@link LineageIoException}s that name the lineage.
 */
final class LineageRepository implements AutoCloseable {

    /** A call into JGit that may fail with an I/O error. */
    interface IoCall<T> {
        T call() throws IOException;
    }

    final Repository git;
    final Path dir;

    private LineageRepository(Repository git, Path dir) {
        this.git = git;
        this.dir = dir;
    }

    /** Opens the bare repository at {@code bareRepoDir}, creating it if missing. */
    static LineageRepository open(Path bareRepoDir) {
        Path dir = bareRepoDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            Repository git = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
            if (!git.getObjectDatabase().exists()) {
                try {
                    git.create(true);
                } catch (IllegalStateException raced) {
                    // Another process created it between the check and create: use theirs.
                }
            }
            return new LineageRepository(git, dir);
        } catch (IOException e) {
            throw new LineageIoException("cannot open or create the lineage repository " + dir
                    + ": " + e.getMessage() + "; check that the folder is writable", e);
        }
    }

    /** Runs {@code call}, reporting an I/O error as "could not {@code what} in lineage ...". */
    <T> T io(String what, IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new LineageIoException("could not " + what + " in lineage " + dir + ": " + e.getMessage()
                    + hint(e), e);
        }
    }

    /** What to do about the most common I/O failures, for the person reading the error. */
    static String hint(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left")) {
                return "; the disk is full: free space on it (the write is retried, nothing was half-written)";
            }
            if (message.contains("Read-only file system") || t instanceof java.nio.file.AccessDeniedException) {
                return "; the lineage folder does not take writes: make it writable (the write is retried)";
            }
        }
        return "";
    }

    /**
     * The commit of a recorded trial.
     *
     * @param role what the trial is to the caller ("trial", "parent trial of t7"), for the error message
     * @throws UnknownTrialException if {@code refs/heads/trial/<id>} does not exist
     */
    RevCommit trial(RevWalk walk, String trialId, String role) throws IOException {
        Ids.requireId("trialId", trialId);
        Ref ref = git.exactRef(LineageStore.TRIAL_REFS + trialId);
        if (ref == null) {
            throw new UnknownTrialException(trialId, role + " '" + trialId + "' is not recorded in lineage "
                    + dir + " (no " + LineageStore.TRIAL_REFS + trialId + "); record it first or use a recorded trial id");
        }
        return walk.parseCommit(ref.getObjectId());
    }

    /** The value of one trailer of the commit's message, or null. */
    static String trailer(RevCommit commit, String key) {
        return CommitMessages.trailers(commit.getFullMessage()).get(key);
    }

    /** A commit by Looplab, dated now, not yet inserted. */
    static CommitBuilder newCommit(ObjectId tree, String message, AnyObjectId... parents) {
        PersonIdent looplab = new PersonIdent("Looplab", "looplab@localhost");
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        commit.setParentIds(List.of(parents));
        commit.setAuthor(looplab);
        commit.setCommitter(looplab);
        commit.setEncoding(StandardCharsets.UTF_8);
        commit.setMessage(message);
        return commit;
    }

    @Override
    public void close() {
        git.close();
    }
}
