package dev.looplab.proposer.specialist;

import dev.looplab.proposer.search.KnobDomain;
import dev.looplab.proposer.search.Move;
import dev.looplab.proposer.search.MoveSearch;
import dev.looplab.proposer.search.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A built-in specialist that owns one surface and searches its knobs with {@link MoveSearch}: TPE densities of the
 * values that worked, a trust region around the best that follows its own keeps and misses, constraints repaired
 * before proposing, duplicates and failed regions avoided, a hypothesis that cites the trials it learned from.
 */
public class SurfaceSpecialist implements Specialist {
    static final String SUFFIX = "-specialist";

    private final String surface;

    public SurfaceSpecialist(String surface) {
        this.surface = surface;
    }

    /** The name of the built-in specialist of {@code surface}. */
    public static String nameOf(String surface) {
        return surface + SUFFIX;
    }

    @Override
    public String name() {
        return nameOf(surface);
    }

    public String surface() {
        return surface;
    }

    @Override
    public List<String> surfaces() {
        return List.of(surface);
    }

    @Override
    public Optional<ProposedEdit> propose(SpecialistContext ctx) {
        return bestMove(ctx, surface, name()).map(m -> edit(ctx, surface, m, name(), "TPE over the " + surface
                + " knobs"));
    }

    /** The best move of {@code surface}'s knobs for {@code specialist} (whose own history sets the trust radius). */
    static Optional<Move> bestMove(SpecialistContext ctx, String surface, String specialist) {
        List<KnobDomain> knobs = ctx.parent().domains(surface, ctx.task().surface(surface));
        if (knobs.isEmpty()) {
            return Optional.empty();
        }
        Recipe recipe = ctx.parent();
        SearchSpace space = new SearchSpace(knobs, recipe.config(), ctx.constraints(), recipe.bounds(),
                changes -> ctx.fresh().test(recipe.with(changes)), ctx.keepBar());
        double radius = MoveSearch.radius(ctx.history().by(specialist));
        return MoveSearch.best(space, ctx.history(), radius, ctx.random());
    }

    static ProposedEdit edit(SpecialistContext ctx, String surface, Move move, String specialist, String model) {
        Recipe recipe = ctx.parent();
        Map<String, KnobDomain> domains = new LinkedHashMap<>();
        recipe.knobs().forEach(k -> KnobDomain.of(k).ifPresent(d -> domains.put(k.name(), d)));
        String hypothesis = HypothesisWriter.write(surface, domains, recipe.config(), move, ctx.history(), ctx, model);
        return ProposedEdit.of(specialist, surface, hypothesis, ctx.deltaOf(move.predictedGain()),
                recipe.diffTo(recipe.with(move.changes())));
    }
}
