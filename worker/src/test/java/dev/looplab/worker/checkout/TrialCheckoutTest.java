package dev.looplab.worker.checkout;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrialCheckoutTest {

    @TempDir
    Path dir;

    @Test
    void checksOutAnOlderTrialCommitDetached() throws Exception {
        // given a bare lineage with a root recipe and a child trial that edits it
        Path bare = dir.resolve("lineage.git");
        Path work = dir.resolve("author");
        RevCommit root;
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve("Recipe.java"), "class Recipe { int lr = 1; }\n");
            git.add().addFilepattern(".").call();
            root = git.commit().setMessage("baseline").setSign(false).call();
            Files.writeString(work.resolve("Recipe.java"), "class Recipe { int lr = 2; }\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("raise lr").setSign(false).call();
        }
        Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();

        // when the root trial is checked out
        Path checkout = TrialCheckout.checkout(bare.toString(), root.name(), dir.resolve("trial"));

        // then the tree is the root's and HEAD is detached at it
        assertThat(Files.readString(checkout.resolve("Recipe.java"))).contains("lr = 1");
        try (Git git = Git.open(checkout.toFile())) {
            assertThat(git.getRepository().getFullBranch()).isEqualTo(root.name());
        }
    }

    @Test
    void aCommitMissingFromTheLineageIsNamedInTheError() throws Exception {
        // given an empty-but-valid lineage
        Path work = dir.resolve("author");
        try (Git git = Git.init().setDirectory(work.toFile()).call()) {
            Files.writeString(work.resolve("a.txt"), "a");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("a").setSign(false).call();
        }
        String missing = "0123456789abcdef0123456789abcdef01234567";

        // when / then
        assertThatThrownBy(() -> TrialCheckout.checkout(work.toString(), missing, dir.resolve("trial")))
                .isInstanceOf(TrialCheckout.CheckoutException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining(work.toString());
    }

    @Test
    void anAbbreviatedCommitIsRefused() {
        assertThatThrownBy(() -> TrialCheckout.checkout(dir.toString(), "abc123", dir.resolve("trial")))
                .isInstanceOf(TrialCheckout.CheckoutException.class)
                .hasMessageContaining("abc123")
                .hasMessageContaining("40-hex");
    }

    @Test
    void givenALineagePathThisHostLacks_whenTheWorkerJoinedAPlatform_thenItFetchesFromThePlatformsGitEndpoint()
            throws Exception {
        Path here = Files.createDirectories(dir.resolve("golf-mini.git"));
        java.util.Optional<String> platform = java.util.Optional.of("http://platform.example:8080/");

        assertThat(TrialCheckout.where("/srv/looplab/lineage/golf-mini.git", "golf-mini", platform))
                .isEqualTo("http://platform.example:8080/git/golf-mini.git");
        assertThat(TrialCheckout.where(here.toString(), "golf-mini", platform)).as("a path this host has")
                .isEqualTo(here.toString());
        assertThat(TrialCheckout.where("http://other:9000/git/golf-mini.git", "golf-mini", platform))
                .as("a URL the platform was configured with").isEqualTo("http://other:9000/git/golf-mini.git");
        assertThat(TrialCheckout.where("/srv/looplab/lineage/golf-mini.git", "golf-mini", java.util.Optional.empty()))
                .as("no platform joined: the request's own location").isEqualTo("/srv/looplab/lineage/golf-mini.git");
    }
}
