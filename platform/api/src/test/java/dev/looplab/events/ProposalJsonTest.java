package dev.looplab.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProposalJsonTest {

    @Test
    void aModelsProposalRoundTripsWithItsModelAndTokens() {
        Proposal p = new Proposal(Proposal.SCHEMA, "p1", "c1", "golf-mini", "optimizer-llm", "optimizer", "7",
                "Raise LR", -0.01, "diff --git a/R b/R\n", 42L, "gpt-test", 1200L, 300L);

        Proposal back = Json.read(Json.write(p), Proposal.class);

        assertThat(back).isEqualTo(p);
    }

    @Test
    void aProposalOfAnOlderProducerReadsWithoutTheModelFields() {
        String v1 = "{\"schema\":1,\"proposalId\":\"p1\",\"campaign\":\"c1\",\"task\":\"golf-mini\","
                + "\"specialist\":\"s\",\"surface\":\"optimizer\",\"parentTrial\":\"7\",\"hypothesis\":\"h\","
                + "\"expectedDelta\":-0.01,\"diff\":\"d\",\"proposedAtMs\":42,\"futureField\":true}";

        Proposal p = Json.read(v1, Proposal.class);

        assertThat(p).isEqualTo(new Proposal(1, "p1", "c1", "golf-mini", "s", "optimizer", "7", "h", -0.01, "d", 42L));
        assertThat(p.model()).isNull();
        assertThat(Json.write(p)).doesNotContain("model").doesNotContain("tokensIn");
    }
}
