package dev.looplab.proposer.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.TrialSpec;
import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.specialist.ProposedEdit;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.SpecialistContext;
import dev.looplab.proposer.specialist.SurfaceSpecialist;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import dev.looplab.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM path, prompt to answer to diff to trial, against a model server started by the test that speaks both wire
 * formats: valid answers, malformed and off-surface diffs with repair rounds, refusals, errors, timeouts and the
 * token budget, each failure handing the slot to the surface's built-in specialist.
 */
class LlmSpecialistTest {
    static final Recipe GOLF = TaskFixtures.recipe("golf-mini");
    static final String LR_LINE = "    static final float LR = %s; // @knob surface=optimizer range=[1e-4,3e-2]";
    static final String D_MODEL_LINE = "    static final int D_MODEL = %s; // @knob surface=architecture range=[32,256]";

    @TempDir
    Path tmp;
    FakeModelServer server;
    ProposerMetrics metrics = ProposerMetrics.standalone();
    TokenLedger ledger;

    @BeforeEach
    void start() throws Exception {
        server = new FakeModelServer();
        ledger = new TokenLedger(tmp.resolve("proposer"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anOpenAiAnswerBecomesAProposalThatIsRecordedAsATrial() {
        // given a model that answers with a valid LR raise
        server.reply(FakeModelServer.Reply.text(answer("Raise LR to 1.3e-2: trial 1 raised it and was kept", "-0.02",
                diff(LR_LINE, "1e-2f", "1.3e-2f", 72))));
        SpecialistContext ctx = context(List.of(TaskFixtures.row("1", "0", "optimizer-specialist", "optimizer",
                TrialStatus.discard, 3.91, 0.01, "BETA2", "0.95f", "0.97f")));

        // when the optimizer's LLM specialist proposes
        ProposedEdit edit = specialist("openai", Duration.ofSeconds(10)).propose(ctx).orElseThrow();

        // then the edit is the model's, with its model name and tokens, and the diff applies in a real lineage
        assertThat(edit.specialist()).isEqualTo("optimizer-llm");
        assertThat(edit.surface()).isEqualTo("optimizer");
        assertThat(edit.model()).isEqualTo("test-model");
        assertThat(edit.tokensIn()).isEqualTo(1000);
        assertThat(edit.tokensOut()).isEqualTo(200);
        assertThat(edit.expectedDelta()).isEqualTo(-0.02);
        assertThat(edit.hypothesis()).startsWith("Raise LR to 1.3e-2: trial 1 raised it and was kept")
                .contains("Written by test-model (1000 tokens in, 200 out)");
        String trial = record(edit);
        assertThat(KnobParser.find(trial, "LR").orElseThrow().literal()).isEqualTo("1.3e-2f");
        // and the prompt held the surface's code, its history, the rules and the answer format
        assertThat(server.paths()).containsExactly("/v1/chat/completions");
        String prompt = server.conversation(0);
        assertThat(prompt).contains(String.format(LR_LINE, "1e-2f")).contains("History of the optimizer surface")
                .contains("trial 1 (optimizer-specialist, from 0): BETA2 0.95f -> 0.97f: discard")
                .contains("D_MODEL % HEADS == 0").contains("EXPECTED_DELTA:").contains("LR = 1e-2f (range [0.0001, 0.03])");
        assertThat(ledger.spent("c1")).isEqualTo(1200);
        assertThat(metrics.count("looplab.llm.calls", "result", "ok")).isEqualTo(1);
    }

    @Test
    void theAnthropicWireFormatWorksTheSameWay() {
        server.reply(FakeModelServer.Reply.text(answer("Lower BETA2 to 0.93", "-0.01",
                diff("    static final float BETA2 = %s; // @knob surface=optimizer range=[0.9,0.999]", "0.95f", "0.93f", 74))));

        ProposedEdit edit = specialist("anthropic", Duration.ofSeconds(10)).propose(context(List.of())).orElseThrow();

        assertThat(server.paths()).containsExactly("/v1/messages");
        assertThat(server.requests().get(0).path("model").asText()).isEqualTo("test-model");
        assertThat(edit.specialist()).isEqualTo("optimizer-llm");
        assertThat(KnobParser.find(record(edit), "BETA2").orElseThrow().literal()).isEqualTo("0.93f");
    }

    @Test
    void aDiffThatDoesNotApplyIsRefusedAndRepairedInASecondRound() {
        // given a first answer whose context is not in the recipe, then a valid one
        server.reply(FakeModelServer.Reply.text(answer("Raise LR", "-0.01", diff(LR_LINE, "5e-3f", "6e-3f", 72))),
                FakeModelServer.Reply.text(answer("Raise LR to 1.2e-2", "-0.01", diff(LR_LINE, "1e-2f", "1.2e-2f", 72))));

        ProposedEdit edit = specialist("openai", Duration.ofSeconds(10)).propose(context(List.of())).orElseThrow();

        // then the refusal went back to the model, and the second answer is the proposal, with both calls' tokens
        assertThat(server.requests()).hasSize(2);
        assertThat(server.conversation(1)).contains("Your answer was refused: hunk 1 of Recipe.java does not apply");
        assertThat(edit.specialist()).isEqualTo("optimizer-llm");
        assertThat(edit.tokensIn()).isEqualTo(2000);
        assertThat(edit.hypothesis()).contains("after 1 repair round");
        assertThat(KnobParser.find(record(edit), "LR").orElseThrow().literal()).isEqualTo("1.2e-2f");
    }

    @Test
    void aDiffOffTheSurfaceIsRefusedNamingTheKnobAndTheSurface() {
        server.reply(FakeModelServer.Reply.text(answer("Widen the model", "-0.05", diff(D_MODEL_LINE, "96", "128", 60))),
                FakeModelServer.Reply.text(answer("LR 1.1e-2", "-0.01", diff(LR_LINE, "1e-2f", "1.1e-2f", 72))));

        ProposedEdit edit = specialist("openai", Duration.ofSeconds(10)).propose(context(List.of())).orElseThrow();

        assertThat(server.conversation(1)).contains("D_MODEL is on surface architecture, not optimizer");
        assertThat(edit.diff()).doesNotContain("D_MODEL");
    }

    @Test
    void aModelThatKeepsDecliningHandsTheSlotToTheBuiltInSpecialist() {
        String no = "I'm sorry, but I can't help with changing training code.";
        server.reply(FakeModelServer.Reply.text(no), FakeModelServer.Reply.text(no), FakeModelServer.Reply.text(no));

        ProposedEdit edit = specialist("openai", Duration.ofSeconds(10)).propose(context(List.of())).orElseThrow();

        // then three answers were tried (two repairs), and the built-in optimizer specialist proposed instead
        assertThat(server.requests()).hasSize(3);
        assertThat(server.conversation(2)).contains("the model declined");
        assertThat(edit.specialist()).isEqualTo("optimizer-specialist");
        assertThat(edit.model()).isNull();
        assertThat(metrics.count("looplab.llm.fallbacks", "why", "invalid")).isEqualTo(1);
    }

    @Test
    void aSlowModelOrAnErrorNeverStopsTheCampaign() {
        server.reply(FakeModelServer.Reply.slow(answer("LR", "-0.01", diff(LR_LINE, "1e-2f", "1.1e-2f", 72)), 3000));
        long start = System.nanoTime();

        ProposedEdit slow = specialist("openai", Duration.ofMillis(500)).propose(context(List.of())).orElseThrow();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(slow.specialist()).isEqualTo("optimizer-specialist");
        assertThat(metrics.count("looplab.llm.calls", "result", "timeout")).isEqualTo(1);

        server.reply(FakeModelServer.Reply.error(500));
        ProposedEdit failed = specialist("anthropic", Duration.ofSeconds(5)).propose(context(List.of())).orElseThrow();
        assertThat(failed.specialist()).isEqualTo("optimizer-specialist");
        assertThat(metrics.count("looplab.llm.fallbacks", "why", "error")).isEqualTo(1);
    }

    @Test
    void aCampaignOverItsTokenBudgetDoesNotCallTheModel() {
        ledger.add("c1", 50_000);

        ProposedEdit edit = specialist("openai", Duration.ofSeconds(5), 50_000).propose(context(List.of())).orElseThrow();

        assertThat(server.requests()).isEmpty();
        assertThat(edit.specialist()).isEqualTo("optimizer-specialist");
        assertThat(metrics.count("looplab.llm.fallbacks", "why", "over_budget")).isEqualTo(1);
    }

    // ---- helpers

    private LlmSpecialist specialist(String provider, Duration timeout) {
        return specialist(provider, timeout, 1_000_000);
    }

    private LlmSpecialist specialist(String provider, Duration timeout, long budget) {
        LlmSettings settings = new LlmSettings(provider, Optional.of(server.baseUrl()), Optional.of("test-key"),
                Optional.of("test-model"), budget, timeout, 800, 0.2, 2);
        return new LlmSpecialist("optimizer", LangChainChat.of(settings), new SurfaceSpecialist("optimizer"), ledger,
                budget, settings.repairs(), metrics);
    }

    private static SpecialistContext context(List<LineageRow> rows) {
        return TaskFixtures.context("golf-mini", GOLF, rows, 11);
    }

    /** Records the edit on the root of a real lineage of golf-mini and returns the trial's recipe. */
    private String record(ProposedEdit edit) {
        try (LineageStore store = LineageStore.open(tmp.resolve("lineage-" + System.nanoTime() + ".git"))) {
            store.initRoot("0", TaskFixtures.RECIPES.resolve("golf-mini"), "baseline");
            store.recordTrial(new TrialSpec("1", "0", "c1", edit.specialist(), edit.surface(), edit.hypothesis(),
                    edit.diff(), edit.model() == null ? Map.of() : Map.of("Looplab-Model", edit.model())));
            return store.readFile("1", "Recipe.java");
        }
    }

    static String answer(String hypothesis, String delta, String diff) {
        return "HYPOTHESIS: " + hypothesis + "\nEXPECTED_DELTA: " + delta + "\n```diff\n" + diff + "```\n";
    }

    /** A one-line diff of a knob line, with a header at {@code line} (models get line numbers wrong; context counts). */
    static String diff(String lineFormat, String from, String to, int line) {
        return "--- a/Recipe.java\n+++ b/Recipe.java\n@@ -" + line + ",1 +" + line + ",1 @@\n-"
                + String.format(lineFormat, from) + "\n+" + String.format(lineFormat, to) + "\n";
    }
}
