package dev.looplab.proposer.llm;

import dev.looplab.proposer.specialist.ProposedEdit;
import dev.looplab.proposer.specialist.Specialist;
import dev.looplab.proposer.specialist.SpecialistContext;
import dev.looplab.proposer.specialist.SurfaceSpecialist;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A specialist whose edits a language model writes: the prompt holds the surface's code of the best recipe, its
 * history and the campaign's knowledge; the answer is parsed into hypothesis, expected delta and diff and checked
 * locally ({@link EditCheck}); a refused answer gets up to {@code repairs} more rounds with the refusal fed back. A
 * failed, slow or over-budget call, or no valid answer, hands the slot to the surface's built-in specialist.
 */
public class LlmSpecialist implements Specialist {
    private static final Logger LOG = Logger.getLogger(LlmSpecialist.class);
    public static final String SUFFIX = "-llm";

    private final String surface;
    private final LlmChat chat;
    private final SurfaceSpecialist fallback;
    private final TokenLedger ledger;
    private final long tokenBudget;
    private final int repairs;
    private final ProposerMetrics metrics;

    public LlmSpecialist(String surface, LlmChat chat, SurfaceSpecialist fallback, TokenLedger ledger, long tokenBudget,
                         int repairs, ProposerMetrics metrics) {
        this.surface = surface;
        this.chat = chat;
        this.fallback = fallback;
        this.ledger = ledger;
        this.tokenBudget = tokenBudget;
        this.repairs = repairs;
        this.metrics = metrics;
    }

    public static String nameOf(String surface) {
        return surface + SUFFIX;
    }

    @Override
    public String name() {
        return nameOf(surface);
    }

    @Override
    public List<String> surfaces() {
        return List.of(surface);
    }

    @Override
    public Optional<ProposedEdit> propose(SpecialistContext ctx) {
        String campaign = ctx.campaign().campaign();
        List<LlmChat.Turn> turns = new ArrayList<>();
        turns.add(new LlmChat.Turn(LlmChat.Role.SYSTEM, PromptBuilder.system(surface)));
        turns.add(new LlmChat.Turn(LlmChat.Role.USER, PromptBuilder.user(surface, ctx)));
        long tokensIn = 0;
        long tokensOut = 0;
        String model = chat.model();
        for (int round = 0; round <= repairs; round++) {
            if (ledger.spent(campaign) >= tokenBudget) {
                metrics.llmCall(chat.model(), "over_budget", 0, 0);
                return fallback(ctx, "over_budget", "campaign " + campaign + " has spent " + ledger.spent(campaign)
                        + " of its " + tokenBudget + " LLM tokens (LOOPLAB_LLM_TOKEN_BUDGET)");
            }
            LlmChat.Answer answer;
            try {
                answer = chat.ask(turns);
            } catch (LlmException e) {
                metrics.llmCall(chat.model(), e.kind(), 0, 0);
                return fallback(ctx, e.kind(), e.getMessage());
            }
            tokensIn += answer.tokensIn();
            tokensOut += answer.tokensOut();
            model = answer.model();
            ledger.add(campaign, answer.tokensIn() + answer.tokensOut());
            try {
                ParsedAnswer parsed = AnswerParser.parse(answer.text());
                EditCheck.Checked checked = EditCheck.check(parsed.diff(), surface, ctx);
                metrics.llmCall(model, "ok", answer.tokensIn(), answer.tokensOut());
                String hypothesis = parsed.hypothesis() + "\n\nWritten by " + model + " (" + tokensIn + " tokens in, "
                        + tokensOut + " out" + (round > 0 ? ", after " + round + " repair round" + (round > 1 ? "s" : "")
                        : "") + ").";
                return Optional.of(new ProposedEdit(name(), surface, hypothesis, parsed.expectedDelta(),
                        checked.diff(), model, tokensIn, tokensOut));
            } catch (AnswerException refused) {
                metrics.llmCall(model, "refused", answer.tokensIn(), answer.tokensOut());
                LOG.infof("%s: answer %d of %s refused: %s", name(), round + 1, model, refused.getMessage());
                turns.add(new LlmChat.Turn(LlmChat.Role.ASSISTANT, answer.text()));
                turns.add(new LlmChat.Turn(LlmChat.Role.USER, "Your answer was refused: " + refused.getMessage()
                        + ". Answer again in the same format, with a diff against the recipe exactly as shown."));
            }
        }
        return fallback(ctx, "invalid", "no valid diff after " + (repairs + 1) + " answers");
    }

    private Optional<ProposedEdit> fallback(SpecialistContext ctx, String why, String detail) {
        LOG.warnf("%s hands the slot to %s (%s): %s", name(), fallback.name(), why, detail);
        metrics.llmFallback(surface, why);
        return fallback.propose(ctx);
    }
}
