package dev.looplab.proposer.campaign;

import dev.looplab.proposer.llm.LlmChat;
import dev.looplab.proposer.llm.LlmSettings;
import dev.looplab.proposer.llm.LlmSpecialist;
import dev.looplab.proposer.llm.TokenLedger;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.proposer.specialist.GeneralistSpecialist;
import dev.looplab.proposer.specialist.RandomSpecialist;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.Specialist;
import dev.looplab.proposer.specialist.SurfaceSpecialist;
import dev.looplab.proposer.telemetry.ProposerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Builds a campaign's team by name: {@code specialists} (one built-in specialist per surface with knobs, steered by
 * the meta agent), {@code generalist}, {@code random}, or {@code llm} (one LLM specialist per surface, each falling
 * back to the surface's built-in one; the built-in team when no model is configured).
 */
final class TeamFactory {
    private static final Logger LOG = Logger.getLogger(TeamFactory.class);

    private final Optional<LlmChat> llm;
    private final LlmSettings settings;
    private final TokenLedger ledger;
    private final ProposerMetrics metrics;

    TeamFactory(Optional<LlmChat> llm, LlmSettings settings, TokenLedger ledger, ProposerMetrics metrics) {
        this.llm = llm;
        this.settings = settings;
        this.ledger = ledger;
        this.metrics = metrics;
    }

    /** The team of {@code campaign} on {@code task}, whose root recipe is {@code root}. */
    List<Specialist> build(String campaign, String team, TaskView task, Recipe root) {
        List<String> surfaces = task.surfaces().keySet().stream()
                .filter(s -> !root.domains(s, task.surface(s)).isEmpty()).toList();
        List<Specialist> members = new ArrayList<>();
        switch (team) {
            case "generalist" -> members.add(new GeneralistSpecialist(surfaces));
            case "random" -> members.add(new RandomSpecialist(surfaces));
            case "llm" -> {
                if (llm.isEmpty()) {
                    LOG.warnf("campaign %s asks for the llm team but no model is configured (LOOPLAB_LLM_MODEL); the"
                            + " built-in specialists search instead", campaign);
                    surfaces.forEach(s -> members.add(new SurfaceSpecialist(s)));
                } else {
                    surfaces.forEach(s -> members.add(new LlmSpecialist(s, llm.get(), new SurfaceSpecialist(s), ledger,
                            settings.tokenBudget(), settings.repairs(), metrics)));
                }
            }
            default -> {
                if (!"specialists".equals(team)) {
                    LOG.warnf("campaign %s has team '%s', which this proposer does not know; it uses the specialists",
                            campaign, team);
                }
                surfaces.forEach(s -> members.add(new SurfaceSpecialist(s)));
            }
        }
        return members;
    }
}
