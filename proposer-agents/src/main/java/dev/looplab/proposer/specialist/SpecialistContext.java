package dev.looplab.proposer.specialist;

import dev.looplab.proposer.constraint.ArtifactSize;
import dev.looplab.proposer.constraint.Constraints;
import dev.looplab.proposer.constraint.SizeRule;
import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.proposer.search.History;
import dev.looplab.proposer.search.Observed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * What a specialist sees when asked for a proposal: the campaign (its best trial is the parent) and its task, the
 * parent's recipe, the campaign's history as the search reads it, the task's constraints (the artifact cap
 * calibrated on measured trials), the knowledge summary, the gain a keep needs, a seeded random, and {@code fresh},
 * which says whether a recipe text has not been tried (or sent) from this parent yet.
 */
public record SpecialistContext(
        String proposalId,
        CampaignView campaign,
        TaskView task,
        Recipe parent,
        History history,
        Constraints constraints,
        Optional<String> knowledge,
        double keepBar,
        Predicate<String> fresh,
        RandomGenerator random) {

    /**
     * The context of a proposal from the campaign's best trial: the keep bar from the task's threshold and the noise
     * floor, the task's constraints with its artifact cap calibrated on {@code history}, and the recipes already
     * tried from the parent (every child in {@code history}, pending proposals included, and the parent itself).
     */
    public static SpecialistContext of(String proposalId, CampaignView campaign, TaskView task, Recipe parent,
                                       History history, Optional<String> knowledge, RandomGenerator random) {
        Set<String> tried = triedFrom(campaign.bestTrialId(), parent, history);
        return new SpecialistContext(proposalId, campaign, task, parent, history, constraints(task, parent, history),
                knowledge, keepBar(task, campaign), text -> !tried.contains(sha256(text)), random);
    }

    public String parentTrial() {
        return campaign.bestTrialId();
    }

    public boolean lowerIsBetter() {
        return campaign.lowerIsBetter();
    }

    /** The score change a gain means in this task's direction (a gain is positive when better). */
    public double deltaOf(double gain) {
        return lowerIsBetter() ? -gain : gain;
    }

    /** "val_bpb" style name of what is measured, for hypotheses. */
    public String scoreName() {
        return switch (task.name()) {
            case "golf-mini", "parameter-golf" -> "val_bpb";
            case "nanochat-d12" -> "CORE";
            case "airbench-mini", "airbench96" -> "seconds per run";
            default -> "score";
        };
    }

    /** The gain a keep needs: max(task threshold, 2 sigma), else a thousandth of the best score. */
    public static double keepBar(TaskView task, CampaignView campaign) {
        double bar = Math.max(task.keepThreshold(), 2 * campaign.sigma());
        if (bar <= 0 && campaign.bestScore() != null) {
            bar = 1e-3 * Math.abs(campaign.bestScore());
        }
        return bar > 0 ? bar : 1e-9;
    }

    /** The task's rules, with the artifact cap calibrated on the artifacts measured so far. */
    public static Constraints constraints(TaskView task, Recipe parent, History history) {
        long codeBytes = parent.text().getBytes(StandardCharsets.UTF_8).length;
        Optional<SizeRule> size = ArtifactSize.forTask(task.name()).filter(s -> task.artifactCapBytes() > 0)
                .map(s -> new SizeRule(s, task.artifactCapBytes(), codeBytes, calibration(s, history, codeBytes)));
        return Constraints.forTask(task.name(), size);
    }

    /** Median of measured over estimated artifact bytes, within [0.5, 2]; 1 before any measurement. */
    public static double calibration(ArtifactSize size, History history, long codeBytes) {
        List<Double> ratios = new ArrayList<>();
        for (Observed o : history.where(o -> o.artifactBytes() != null && o.artifactBytes() > 0)) {
            long estimate = size.estimate(o.config(), codeBytes);
            if (estimate > 0) {
                ratios.add(o.artifactBytes() / (double) estimate);
            }
        }
        if (ratios.isEmpty()) {
            return 1.0;
        }
        ratios.sort(Double::compare);
        return Math.max(0.5, Math.min(2.0, ratios.get(ratios.size() / 2)));
    }

    /** SHA-256 of every recipe tried or sent from {@code parentTrial} (its children's knob changes applied), and its own. */
    public static Set<String> triedFrom(String parentTrial, Recipe parent, History history) {
        Set<String> hashes = new HashSet<>();
        hashes.add(sha256(parent.text()));
        for (Observed child : history.children(parentTrial)) {
            Map<String, String> to = new LinkedHashMap<>();
            for (Map.Entry<String, KnobChange> c : child.changes().entrySet()) {
                if (c.getValue().to() != null) {
                    to.put(c.getKey(), c.getValue().to());
                }
            }
            if (to.isEmpty()) {
                continue;
            }
            try {
                hashes.add(sha256(parent.with(to)));
            } catch (IllegalArgumentException e) {
                // a knob the parent does not have: not one of its recipes
            }
        }
        return hashes;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
