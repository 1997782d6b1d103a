package dev.looplab.proposer.specialist;

import dev.looplab.proposer.search.Move;
import java.util.List;
import java.util.Optional;

/**
 * One agent over every surface with the same model as the surface specialists: it searches each surface's knobs
 * and proposes the move with the best acquisition, with a bonus for surfaces it has not tried yet.
 */
public class GeneralistSpecialist implements Specialist {
    public static final String NAME = "generalist";
    static final double UNTRIED_SURFACE_BONUS = 0.5;

    private final List<String> surfaces;

    public GeneralistSpecialist(List<String> surfaces) {
        this.surfaces = List.copyOf(surfaces);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> surfaces() {
        return surfaces;
    }

    @Override
    public Optional<ProposedEdit> propose(SpecialistContext ctx) {
        String bestSurface = null;
        Move best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (String surface : surfaces) {
            Optional<Move> move = SurfaceSpecialist.bestMove(ctx, surface, NAME);
            if (move.isEmpty()) {
                continue;
            }
            boolean tried = ctx.history().by(NAME).stream().anyMatch(o -> surface.equals(o.surface()));
            double value = move.get().acquisition() + (tried ? 0 : UNTRIED_SURFACE_BONUS);
            if (value > bestValue) {
                bestValue = value;
                best = move.get();
                bestSurface = surface;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(SurfaceSpecialist.edit(ctx, bestSurface, best, NAME, "TPE over every surface"));
    }
}
