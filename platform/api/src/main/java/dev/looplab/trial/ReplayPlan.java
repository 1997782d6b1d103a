package dev.looplab.trial;

import java.util.Locale;
import java.util.Map;

/**
 * What a replay of a trial runs, from what the original recorded in its environment fingerprint: exactly its
 * step schedule ({@code planned_steps}, stopped after {@code train_steps} when its deadline cut it short) with
 * twice its budget, so a slower moment never cuts the replay short; or, when it recorded no step count, the same
 * budget (and then noise rather than identical bits is to be expected). The platform and a replay from a clone
 * both plan with this.
 *
 * @param steps         steps to train (LOOPLAB_STEPS); 0 when the original recorded none
 * @param stopStep      stop after this many of them (LOOPLAB_STOP_STEP); 0 for the whole schedule
 * @param budgetSeconds the replay's training budget; null when the original's is unknown (the task's then)
 */
public record ReplayPlan(int steps, int stopStep, Integer budgetSeconds) {
    /** A replay with a fixed step count gets this much more time, so a slower moment does not cut it short. */
    public static final int FIXED_STEP_BUDGET_FACTOR = 2;

    /** The plan for an original whose fingerprint is {@code environment} and whose budget was {@code budgetSeconds}. */
    public static ReplayPlan of(Map<String, String> environment, Integer budgetSeconds) {
        int planned = wholeNumber(environment.get("planned_steps"));
        int trained = wholeNumber(environment.get("train_steps"));
        if (planned <= 0) {
            return new ReplayPlan(0, 0, budgetSeconds);
        }
        return new ReplayPlan(planned, trained > 0 && trained < planned ? trained : 0,
                budgetSeconds == null ? null : budgetSeconds * FIXED_STEP_BUDGET_FACTOR);
    }

    /** True when the original recorded its step count, so the replay can repeat it bit for bit. */
    public boolean fixedSteps() {
        return steps > 0;
    }

    /** "Replay of trial 12: commit 0123456789ab, seed 7, exactly 40 steps", or why noise is expected instead. */
    public String describe(String trial, String commit, Long seed, Integer originalBudgetSeconds) {
        String abbreviated = commit.length() > 12 ? commit.substring(0, 12) : commit;
        if (fixedSteps()) {
            return String.format(Locale.ROOT, "Replay of trial %s: commit %s, seed %s, exactly %d steps%s", trial,
                    abbreviated, seed, stopStep > 0 ? stopStep : steps,
                    stopStep > 0 ? " of a " + steps + "-step schedule" : "");
        }
        return String.format(Locale.ROOT, "Replay of trial %s: commit %s, seed %s, the same %s s budget (the original"
                + " recorded no step count, so expect noise rather than identical bits)", trial, abbreviated, seed,
                originalBudgetSeconds);
    }

    private static int wholeNumber(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
