package dev.looplab.proposer.specialist;

import dev.looplab.proposer.search.KnobDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The random baseline: a surface at random, one to three of its knobs, each set uniformly anywhere in its range or
 * choices. It keeps the task's constraints and never repeats a recipe, so it fails only where the recipe would.
 */
public class RandomSpecialist implements Specialist {
    public static final String NAME = "random";
    static final int ATTEMPTS = 40;

    private final List<String> surfaces;

    public RandomSpecialist(List<String> surfaces) {
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
        Recipe recipe = ctx.parent();
        Map<String, String> parent = recipe.config();
        List<String> usable = surfaces.stream()
                .filter(s -> !recipe.domains(s, ctx.task().surface(s)).isEmpty()).toList();
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String surface = usable.get(ctx.random().nextInt(usable.size()));
            List<KnobDomain> knobs = new ArrayList<>(recipe.domains(surface, ctx.task().surface(surface)));
            int count = Math.min(knobs.size(), 1 + ctx.random().nextInt(3));
            Map<String, String> config = new HashMap<>(parent);
            Map<String, String> moved = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                KnobDomain d = knobs.remove(ctx.random().nextInt(knobs.size()));
                String value = d.categorical() ? d.choices().get(ctx.random().nextInt(d.choices().size()))
                        : d.literalAt(ctx.random().nextDouble());
                if (!d.same(value, parent.get(d.name()))) {
                    moved.put(d.name(), value);
                }
            }
            if (moved.isEmpty()) {
                continue;
            }
            config.putAll(moved);
            if (!ctx.constraints().violations(config).isEmpty()) {
                List<String> editable = recipe.domains(surface, ctx.task().surface(surface)).stream()
                        .map(KnobDomain::name).toList();
                Optional<Map<String, String>> fixed = ctx.constraints().repair(config, new java.util.HashSet<>(editable),
                        moved.keySet(), recipe.bounds());
                if (fixed.isEmpty()) {
                    continue;
                }
                config = fixed.get();
            }
            Map<String, String> changes = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : parent.entrySet()) {
                if (!e.getValue().equals(config.get(e.getKey()))) {
                    changes.put(e.getKey(), config.get(e.getKey()));
                }
            }
            String text = recipe.with(changes);
            if (changes.isEmpty() || !ctx.fresh().test(text)) {
                continue;
            }
            String what = changes.entrySet().stream().map(e -> e.getKey() + " " + plain(parent.get(e.getKey())) + " -> "
                    + plain(e.getValue())).collect(Collectors.joining(", "));
            String hypothesis = surface + ": " + what + "\n\nRandom search: knobs and values drawn uniformly over "
                    + surface + "'s ranges and choices, as a baseline for the guided specialists.";
            return Optional.of(ProposedEdit.of(NAME, surface, hypothesis, 0.0, recipe.diffTo(text)));
        }
        return Optional.empty();
    }

    private static String plain(String literal) {
        return literal.replace("\"", "").replaceAll("[fFL]$", "");
    }
}
