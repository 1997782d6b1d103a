package dev.looplab.proposer.meta;

import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.search.History;
import dev.looplab.proposer.search.Observed;
import dev.looplab.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The campaign's knowledge as the meta agent writes it after outcomes: where the search stands, what worked, what
 * each surface tried, what each knob's moves came to, dead ends, open leads and how slots were allocated. Short
 * Markdown, stored in the lineage as {@code KNOWLEDGE.md}; the LLM specialists read it in their prompt.
 */
public final class KnowledgeSummary {
    static final int TOP_KEEPS = 8;
    static final int MAX_LEADS = 6;

    private KnowledgeSummary() {
    }

    /**
     * Renders the summary of {@code history}; {@code surfaces} maps each surface to its knobs, {@code knobSurface}
     * (not used for layout) is implied by it; {@code allocation} is the meta agent's latest.
     */
    public static String render(CampaignView campaign, Map<String, List<String>> surfaces, History history,
                                double keepBar, MetaAgent.Allocation allocation) {
        StringBuilder md = new StringBuilder();
        List<Observed> proposals = history.where(o -> o.parent() != null);
        List<Observed> recorded = proposals.stream().filter(o -> o.status() != null && o.status().isFinal()).toList();
        long keeps = recorded.stream().filter(o -> o.status() == TrialStatus.keep).count();
        md.append("# Knowledge of campaign ").append(campaign.campaign()).append(" (").append(campaign.task())
                .append(")\n\n");
        md.append(String.format(Locale.ROOT, "%d proposals recorded (the baseline and noise runs aside), %d kept,"
                + " %d in flight. Best %s (trial %s)",
                recorded.size(), keeps, proposals.size() - recorded.size(), num(campaign.bestScore()),
                campaign.bestTrialId()));
        if (campaign.baselineScore() != null && campaign.bestScore() != null && campaign.baselineScore() != 0) {
            md.append(String.format(Locale.ROOT, " against the baseline's %s (%+.2f%%)", num(campaign.baselineScore()),
                    100 * (campaign.bestScore() - campaign.baselineScore()) / Math.abs(campaign.baselineScore())));
        }
        md.append(String.format(Locale.ROOT, "; a keep needs a gain above %s%s.\n", num(keepBar),
                campaign.noiseFloor() == null ? "" : String.format(Locale.ROOT, " (noise floor sigma %s over %d baseline runs)",
                        num(campaign.noiseFloor().sigma()), campaign.noiseFloor().runs())));

        md.append("\n## What worked\n");
        List<Observed> kept = recorded.stream().filter(o -> o.status() == TrialStatus.keep && o.gain() != null)
                .sorted(Comparator.comparingDouble(Observed::gain).reversed()).limit(TOP_KEEPS).toList();
        if (kept.isEmpty()) {
            md.append("- nothing kept yet\n");
        }
        kept.forEach(o -> md.append(String.format(Locale.ROOT, "- trial %s (%s): %s, gain %s\n", o.trial(),
                o.specialist(), changes(o), num(o.gain()))));

        md.append("\n## By surface\n| surface | trials | kept | failed | best gain | knobs moved |\n|---|---|---|---|---|---|\n");
        surfaces.forEach((surface, knobs) -> {
            List<Observed> on = proposals.stream().filter(o -> surface.equals(o.surface())).toList();
            double best = on.stream().filter(Observed::hasGain).mapToDouble(Observed::gain).max().orElse(Double.NaN);
            String moved = knobs.stream().filter(k -> on.stream().anyMatch(o -> o.changed(k)))
                    .collect(Collectors.joining(", "));
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s |\n", surface, on.size(),
                    on.stream().filter(o -> o.status() == TrialStatus.keep).count(),
                    on.stream().filter(Observed::failed).count(), Double.isNaN(best) ? "-" : num(best),
                    moved.isEmpty() ? "-" : moved));
        });

        md.append("\n## Knobs\n");
        List<String> deadEnds = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        List<String> unmoved = new ArrayList<>();
        for (Map.Entry<String, List<String>> s : surfaces.entrySet()) {
            for (String knob : s.getValue()) {
                List<Observed> movers = history.moving(knob);
                if (movers.isEmpty()) {
                    unmoved.add(knob);
                    continue;
                }
                Map<String, List<Observed>> byWay = new LinkedHashMap<>();
                for (Observed o : movers) {
                    byWay.computeIfAbsent(way(o.changes().get(knob)), w -> new ArrayList<>()).add(o);
                }
                List<String> parts = new ArrayList<>();
                byWay.forEach((way, list) -> {
                    long k = list.stream().filter(o -> o.status() == TrialStatus.keep).count();
                    long f = list.stream().filter(Observed::failed).count();
                    double mean = list.stream().filter(Observed::hasGain).mapToDouble(Observed::gain).average()
                            .orElse(Double.NaN);
                    parts.add(String.format(Locale.ROOT, "%s %dx (%d kept%s%s)", way, list.size(), k,
                            f > 0 ? ", " + f + " failed" : "", Double.isNaN(mean) ? "" : ", mean gain " + num(mean)));
                    if (list.size() >= 2 && k == 0 && (f == list.size() || (!Double.isNaN(mean) && mean < 0))) {
                        deadEnds.add(knob + " " + way + ": " + list.size() + " trials ("
                                + list.stream().map(Observed::trial).collect(Collectors.joining(", ")) + "), none kept"
                                + (f > 0 ? ", " + failures(list) : ""));
                    }
                });
                md.append("- ").append(knob).append(": ").append(String.join("; ", parts)).append('\n');
            }
        }
        for (Observed o : recorded) {
            if (o.status() == TrialStatus.discard && o.gain() != null && o.gain() > 0 && leads.size() < MAX_LEADS * 2) {
                leads.add("trial " + o.trial() + " (" + changes(o) + ") gained " + num(o.gain())
                        + ", below the keep bar: worth a second look or a larger step");
            }
        }
        if (!unmoved.isEmpty()) {
            leads.add("not moved yet: " + String.join(", ", unmoved));
        }
        md.append("\n## Dead ends\n");
        if (deadEnds.isEmpty()) {
            md.append("- none yet\n");
        }
        deadEnds.forEach(d -> md.append("- ").append(d).append('\n'));
        md.append("\n## Open leads\n");
        if (leads.isEmpty()) {
            md.append("- none\n");
        }
        leads.stream().limit(MAX_LEADS).forEach(l -> md.append("- ").append(l).append('\n'));
        if (allocation != null && !allocation.arms().isEmpty()) {
            md.append("\n## Allocation (meta agent)\n| specialist | trials | mean reward |\n|---|---|---|\n");
            allocation.arms().stream().sorted(Comparator.comparingDouble(MetaAgent.Arm::meanReward).reversed())
                    .forEach(a -> md.append(String.format(Locale.ROOT, "| %s | %d | %.2f |\n", a.specialist(),
                            a.trials(), a.meanReward())));
        }
        return md.toString();
    }

    private static String changes(Observed o) {
        if (o.changes().isEmpty()) {
            return "no knob change";
        }
        return o.changes().entrySet().stream().map(e -> e.getKey() + " " + plain(e.getValue().from()) + " -> "
                + plain(e.getValue().to())).collect(Collectors.joining(", "));
    }

    private static String failures(List<Observed> list) {
        return list.stream().filter(Observed::failed).map(o -> o.trial() + " " + o.failure())
                .collect(Collectors.joining(", "));
    }

    /** "up", "down" or "to X". */
    private static String way(KnobChange c) {
        try {
            double from = dev.looplab.proposer.knob.Knob.parseNumber(c.from());
            double to = dev.looplab.proposer.knob.Knob.parseNumber(c.to());
            return to > from ? "up" : "down";
        } catch (RuntimeException notANumber) {
            return "to " + plain(c.to());
        }
    }

    private static String plain(String literal) {
        return literal == null ? "?" : literal.replace("\"", "").replaceAll("[fFL]$", "");
    }

    private static String num(Double v) {
        return dev.looplab.proposer.knob.Numbers.brief(v);
    }
}
