package dev.looplab.worker.checkout;

import dev.looplab.access.PlatformToken;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import java.util.Optional;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Materialises one trial commit of a task's lineage as a detached working tree. */
public final class TrialCheckout {
    private TrialCheckout() {
    }

    /**
     * Where to fetch a task's lineage from: {@code requested} (the run request's URL or path) when it is a URL or a
     * path this host has; else, for a worker that joined a platform at {@code platformUrl}, that platform's git
     * endpoint ({@code <platformUrl>/git/<task>.git}), so a platform without {@code LOOPLAB_LINEAGE_URL}, which
     * names its own repository path, still serves workers on other hosts; else {@code requested} unchanged (its
     * checkout then fails naming it).
     */
    public static String where(String requested, String task, Optional<String> platformUrl) {
        if (requested.contains("://") || platformUrl.filter(u -> !u.isBlank()).isEmpty()) {
            return requested;
        }
        try {
            if (Files.exists(Path.of(requested))) {
                return requested;
            }
        } catch (java.nio.file.InvalidPathException e) {
            // not a path of this host either: the platform's endpoint it is
        }
        String base = platformUrl.get().strip().replaceAll("/+$", "");
        return base + "/git/" + task + ".git";
    }

    /**
     * Clones {@code lineageUrl} into {@code dir} (which must not exist or be empty) and checks out
     * {@code commit} detached; fails with {@link CheckoutException} naming the url and commit.
     */
    public static Path checkout(String lineageUrl, String commit, Path dir) {
        return checkout(lineageUrl, commit, dir, Optional.empty());
    }

    /** The same, sending {@code token} when the platform's git endpoint asks for one (HTTP Basic, token as password). */
    public static Path checkout(String lineageUrl, String commit, Path dir, Optional<PlatformToken> token) {
        CredentialsProvider credentials = token
                .<CredentialsProvider>map(t -> new UsernamePasswordCredentialsProvider("looplab", t.secret()))
                .orElse(CredentialsProvider.getDefault());
        if (!ObjectId.isId(commit)) {
            throw new CheckoutException("commit '" + commit + "' is not a full 40-hex commit id: the run request"
                    + " must name the trial's commit exactly");
        }
        try {
            Files.createDirectories(dir);
            try (Git git = Git.cloneRepository()
                    .setURI(lineageUrl)
                    .setDirectory(dir.toFile())
                    .setCloneAllBranches(true)
                    .setCredentialsProvider(credentials)
                    .call()) {
                ObjectId id = ObjectId.fromString(commit);
                if (!has(git.getRepository(), id)) {
                    // a commit reachable only from other refs (tags, notes, hidden trial refs)
                    git.fetch().setRefSpecs(new RefSpec("+refs/*:refs/looplab/remote/*"))
                            .setCredentialsProvider(credentials).call();
                }
                if (!has(git.getRepository(), id)) {
                    throw new CheckoutException("commit " + commit + " is not in lineage " + lineageUrl
                            + ": was the trial committed before it was scheduled?");
                }
                git.checkout().setName(commit).call();
            }
            return dir;
        } catch (GitAPIException | IOException e) {
            throw new CheckoutException("cannot fetch commit " + commit + " from lineage " + lineageUrl + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean has(Repository repository, ObjectId id) throws IOException {
        if (!repository.getObjectDatabase().has(id)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit parsed = walk.parseCommit(id);
            return parsed != null;
        } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            throw new CheckoutException("object " + id.name() + " is not a commit", e);
        }
    }

    /** The trial's commit could not be fetched or checked out. */
    public static final class CheckoutException extends RuntimeException {
        CheckoutException(String message) {
            super(message);
        }

        CheckoutException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
