package dev.looplab.lineage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A campaign's knowledge: what its search learned, as {@value #FILE} committed on
 * {@code refs/heads/knowledge/<campaign>}, one commit per new version on top of the last, so a clone carries
 * the summary and its history. The branch moves by compare-and-swap; an unchanged text writes nothing.
 */
final class Knowledge {

    static final String FILE = "KNOWLEDGE.md";
    /** Summaries are short by design; this bounds a runaway writer. */
    static final int MAX_BYTES = 256 * 1024;

    private final LineageRepository lineage;
    private final Refs refs;

    Knowledge(LineageRepository lineage, Refs refs) {
        this.lineage = lineage;
        this.refs = refs;
    }

    /** Commits {@code markdown} as the campaign's knowledge unless it is already the latest; returns the commit id. */
    String put(String campaign, String markdown) {
        Ids.requireId("campaign", campaign);
        if (markdown == null || markdown.isBlank()) {
            throw new IllegalArgumentException("knowledge of campaign " + campaign
                    + " is empty; write a short Markdown summary of what the search learned");
        }
        byte[] bytes = markdown.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("knowledge of campaign " + campaign + " is " + bytes.length
                    + " bytes; keep it under " + MAX_BYTES + " bytes (a summary, not a log)");
        }
        String ref = LineageStore.KNOWLEDGE_REFS + campaign;
        return lineage.io("write the knowledge of campaign " + campaign, () -> {
            try (RevWalk walk = new RevWalk(lineage.git); ObjectInserter inserter = lineage.git.newObjectInserter()) {
                for (int attempt = 1; ; attempt++) {
                    Ref current = lineage.git.exactRef(ref);
                    RevCommit head = current == null ? null : walk.parseCommit(current.getObjectId());
                    ObjectId blob = inserter.insert(Constants.OBJ_BLOB, bytes);
                    if (head != null && blob.equals(blobOf(walk, head))) {
                        return head.name();
                    }
                    ObjectId tree = tree(blob, inserter);
                    String message = CommitMessages.compose("Knowledge of campaign " + campaign,
                            Map.of(CommitMessages.CAMPAIGN, campaign));
                    ObjectId commit = inserter.insert(head == null ? LineageRepository.newCommit(tree, message)
                            : LineageRepository.newCommit(tree, message, head));
                    inserter.flush();
                    if (refs.compareAndSwap(ref, head == null ? ObjectId.zeroId() : head, commit, walk)) {
                        return commit.name();
                    }
                    // another writer moved the branch: write on top of theirs
                    refs.retryOrFail(ref, org.eclipse.jgit.lib.RefUpdate.Result.LOCK_FAILURE, attempt);
                }
            }
        });
    }

    /** The latest knowledge of the campaign, if any was written. */
    Optional<String> read(String campaign) {
        Ids.requireId("campaign", campaign);
        return lineage.io("read the knowledge of campaign " + campaign, () -> {
            Ref current = lineage.git.exactRef(LineageStore.KNOWLEDGE_REFS + campaign);
            if (current == null) {
                return Optional.empty();
            }
            try (RevWalk walk = new RevWalk(lineage.git)) {
                ObjectId blob = blobOf(walk, walk.parseCommit(current.getObjectId()));
                return blob == null ? Optional.empty()
                        : Optional.of(new String(lineage.git.open(blob).getBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    private ObjectId blobOf(RevWalk walk, RevCommit commit) throws IOException {
        try (TreeWalk tree = TreeWalk.forPath(lineage.git, FILE, walk.parseTree(commit.getTree()))) {
            return tree == null ? null : tree.getObjectId(0);
        }
    }

    private static ObjectId tree(ObjectId blob, ObjectInserter inserter) throws IOException {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        DirCacheEntry entry = new DirCacheEntry(FILE);
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(blob);
        builder.add(entry);
        builder.finish();
        return index.writeTree(inserter);
    }
}
