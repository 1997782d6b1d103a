package dev.looplab.proposer.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.events.Proposal;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingProposalsTest {

    @TempDir
    Path home;

    @Test
    void aRestartedProposerStillSeesTheProposalsThePlatformHasNotProcessed() {
        // given two proposals sent by one proposer, one of which the platform then processed
        Path file = home.resolve("proposer").resolve("c1.pending.jsonl");
        PendingProposals before = new PendingProposals(file);
        before.add(proposal("p1"), 1_000);
        before.add(proposal("p2"), 2_000);
        assertThat(before.remove("p1")).isTrue();

        // when the proposer restarts and loads the same file
        PendingProposals after = new PendingProposals(file);

        // then only the unprocessed proposal is pending, with its full payload and send time
        assertThat(after.all()).singleElement().satisfies(p -> {
            assertThat(p.proposal()).isEqualTo(proposal("p2"));
            assertThat(p.sentAtMs()).isEqualTo(2_000);
        });
        assertThat(after.remove("p1")).isFalse();
        assertThat(after.remove("p2")).isTrue();
        assertThat(new PendingProposals(file).isEmpty()).isTrue();
    }

    @Test
    void aDamagedFileIsReportedWithTheFix() throws Exception {
        Path file = home.resolve("c1.pending.jsonl");
        Files.writeString(file, "{not json\n");
        assertThatThrownBy(() -> new PendingProposals(file))
                .hasMessageContaining("is damaged").hasMessageContaining("delete it and restart");
    }

    @Test
    void anUnwritableHomeIsReportedWithTheFix() throws Exception {
        Path blocker = Files.writeString(home.resolve("not-a-dir"), "x");
        PendingProposals pending = new PendingProposals(blocker.resolve("c1.pending.jsonl"));
        assertThatThrownBy(() -> pending.add(proposal("p1"), 1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("check that looplab.home is writable");
    }

    private static Proposal proposal(String id) {
        return new Proposal(Proposal.SCHEMA, id, "c1", "golf-mini", "lr-tuner", "optimizer", "t0",
                "Raising LR from 3.0e-03 to 4.2e-03 should speed up early learning", -0.006,
                "diff --git a/Recipe.java b/Recipe.java\n", 42L);
    }
}
