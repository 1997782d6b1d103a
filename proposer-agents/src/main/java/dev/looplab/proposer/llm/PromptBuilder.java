package dev.looplab.proposer.llm;

import dev.looplab.proposer.knob.Knob;
import dev.looplab.proposer.search.Observed;
import dev.looplab.proposer.specialist.Recipe;
import dev.looplab.proposer.specialist.SpecialistContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The prompt of an LLM specialist: who it is and the answer format (system); the task, the best trial, the knobs it
 * may change with their ranges, the recipe's rules, the recipe's knob block as it is in the best trial, the
 * surface's history and the campaign's knowledge summary (user).
 */
public final class PromptBuilder {
    static final int HISTORY_ROWS = 20;
    static final int KNOWLEDGE_CHARS = 4000;
    static final int FEEDBACK_CHARS = 200;
    static final int MAX_BLOCK_LINES = 80;

    private PromptBuilder() {
    }

    public static String system(String surface) {
        return "You are the " + surface + " specialist of Looplab, an autonomous search over training recipes. "
                + "Each turn you propose one edit of the best recipe so far: change the values of one to three knobs of "
                + "your surface, never anything else. An evaluator you cannot see trains the edited recipe under a "
                + "fixed budget and scores it on held-out data; a change is kept only when it beats the best by more "
                + "than the noise. Learn from the history: repeat what was kept, avoid regions where trials failed or "
                + "were discarded, and never propose a recipe that was already tried.\n\n"
                + "Answer in exactly this format and nothing else:\n"
                + "HYPOTHESIS: <one line: what you change, why, and which trials you learned from>\n"
                + "EXPECTED_DELTA: <the score change you expect against the best trial, a number>\n"
                + "```diff\n--- a/<file>\n+++ b/<file>\n@@ -<line>,<count> +<line>,<count> @@\n"
                + "-<the knob line as it is>\n+<the same line with the new value>\n```";
    }

    public static String user(String surface, SpecialistContext ctx) {
        Recipe recipe = ctx.parent();
        List<String> allowed = ctx.task().surface(surface);
        StringBuilder p = new StringBuilder();
        p.append("Task: ").append(ctx.task().name());
        if (ctx.task().description() != null && !ctx.task().description().isBlank()) {
            p.append(" (").append(ctx.task().description()).append(')');
        }
        p.append(".\nScore: ").append(ctx.scoreName()).append(", ").append(ctx.lowerIsBetter() ? "lower" : "higher")
                .append(" is better. Each trial trains for ").append(ctx.campaign().trainBudgetSeconds() > 0
                        ? ctx.campaign().trainBudgetSeconds() + " s" : "the task's budget").append(".\n");
        p.append(String.format(Locale.ROOT, "Best trial: %s with %s %s", ctx.parentTrial(), ctx.scoreName(),
                num(ctx.campaign().bestScore())));
        if (ctx.campaign().baselineScore() != null) {
            p.append(" (baseline ").append(num(ctx.campaign().baselineScore())).append(')');
        }
        p.append(String.format(Locale.ROOT, ". A keep needs a gain above %s.%n%n", num(ctx.keepBar())));

        p.append("Your surface is \"").append(surface).append("\". You may change only the values of these knobs:\n");
        for (Knob k : recipe.knobs()) {
            if (allowed.contains(k.name()) && surface.equals(k.surface())) {
                p.append("- ").append(k.name()).append(" = ").append(k.literal()).append(' ').append(domain(k))
                        .append('\n');
            }
        }
        List<String> rules = ctx.constraints().describe();
        if (!rules.isEmpty()) {
            p.append("Rules the recipe must keep: ").append(String.join("; ", rules)).append(".\n");
        }
        p.append("\n").append(block(recipe, surface, allowed)).append('\n');

        p.append("History of the ").append(surface).append(" surface (oldest first):\n");
        List<Observed> mine = ctx.history().where(o -> surface.equals(o.surface()) && o.parent() != null);
        if (mine.isEmpty()) {
            p.append("- no trial on this surface yet\n");
        }
        for (Observed o : mine.subList(Math.max(0, mine.size() - HISTORY_ROWS), mine.size())) {
            p.append("- trial ").append(o.trial()).append(" (").append(o.specialist()).append(", from ")
                    .append(o.parent()).append("): ").append(changes(o)).append(": ")
                    .append(o.status() == null ? "?" : o.status().name());
            if (o.gain() != null) {
                p.append(String.format(Locale.ROOT, ", score %s, gain %s", num(o.score()), num(o.gain())));
            }
            if (o.feedback() != null && !o.feedback().isBlank() && (o.failed() || o.status() == null
                    || !o.status().isScored())) {
                p.append(". ").append(shorten(o.feedback().replaceAll("\\s+", " "), FEEDBACK_CHARS));
            }
            p.append('\n');
        }
        ctx.knowledge().filter(k -> !k.isBlank()).ifPresent(k -> p.append("\nWhat the campaign has learned so far:\n")
                .append(shorten(k, KNOWLEDGE_CHARS)).append('\n'));
        p.append("\nPropose one edit of ").append(recipe.path()).append(" in trial ").append(ctx.parentTrial())
                .append(".\n");
        return p.toString();
    }

    /** The knob block of the recipe as it is, with line numbers in the fence's header. */
    static String block(Recipe recipe, String surface, List<String> allowed) {
        List<Knob> knobs = recipe.knobs();
        if (knobs.isEmpty()) {
            return "";
        }
        String[] lines = recipe.text().split("\n", -1);
        int first = knobs.get(0).line();
        int last = knobs.get(knobs.size() - 1).line();
        List<int[]> ranges = new ArrayList<>();
        if (last - first + 1 <= MAX_BLOCK_LINES) {
            ranges.add(new int[] {first, last});
        } else {
            for (Knob k : knobs) {
                if (allowed.contains(k.name()) && surface.equals(k.surface())) {
                    ranges.add(new int[] {Math.max(1, k.line() - 1), Math.min(lines.length, k.line() + 1)});
                }
            }
        }
        StringBuilder b = new StringBuilder();
        String lang = recipe.path().endsWith(".py") ? "python" : "java";
        for (int[] r : ranges) {
            b.append(recipe.path()).append(", lines ").append(r[0]).append('-').append(r[1])
                    .append(" (every other line stays as it is):\n```").append(lang).append('\n');
            for (int i = r[0]; i <= r[1]; i++) {
                b.append(lines[i - 1]).append('\n');
            }
            b.append("```\n");
        }
        return b.toString();
    }

    private static String domain(Knob k) {
        if (!k.choices().isEmpty()) {
            return "(one of " + String.join(", ", k.choices()) + ")";
        }
        return k.range().map(r -> "(range [" + num(r.min()) + ", " + num(r.max()) + "]" + (k.type().isWhole()
                ? ", whole numbers)" : ")")).orElse("");
    }

    private static String changes(Observed o) {
        if (o.changes().isEmpty()) {
            return "no knob change";
        }
        return o.changes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().from() + " -> "
                + e.getValue().to()).collect(Collectors.joining(", "));
    }

    private static String num(Double v) {
        return v == null ? "?" : dev.looplab.proposer.knob.Numbers.brief(v);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
