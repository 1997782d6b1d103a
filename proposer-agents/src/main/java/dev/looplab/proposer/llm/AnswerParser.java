package dev.looplab.proposer.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model's answer in the format the prompt asks for: {@code HYPOTHESIS: ...}, {@code EXPECTED_DELTA: <number>}
 * and a unified diff in a {@code ```diff} fence (or bare, from its {@code ---} line). A missing part is an
 * {@link AnswerException} whose message is fed back to the model in a repair round.
 */
public final class AnswerParser {
    private static final Pattern HYPOTHESIS = Pattern.compile("(?im)^\\s*\\**HYPOTHESIS\\**\\s*:\\s*(.+)$");
    private static final Pattern DELTA = Pattern.compile(
            "(?im)^\\s*\\**EXPECTED[_ ]DELTA\\**\\s*:\\s*([-+\u2212]?\\s*(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)");
    private static final Pattern FENCE = Pattern.compile("(?s)```(?:diff|patch|udiff)?[ \\t]*\\n(.*?)```");
    private static final Pattern BARE = Pattern.compile("(?s)(^|\\n)(--- .*)");
    private static final Pattern DECLINE = Pattern.compile(
            "(?i)\\b(I can(?:no|')t|I'm sorry|I am sorry|I won't|I will not|unable to (?:help|comply)|as an AI)\\b");

    private AnswerParser() {
    }

    /**
     * The answer's hypothesis, expected delta and diff.
     *
     * @throws AnswerException naming the missing or malformed part and the format to use
     */
    public static ParsedAnswer parse(String answer) {
        if (answer == null || answer.isBlank()) {
            throw new AnswerException("the answer is empty; " + format());
        }
        String diff = diff(answer);
        if (diff == null) {
            Matcher declined = DECLINE.matcher(answer);
            if (declined.find()) {
                throw new AnswerException("the answer has no diff (the model declined: '" + excerpt(answer) + "'); "
                        + format());
            }
            throw new AnswerException("the answer has no unified diff; " + format());
        }
        Matcher h = HYPOTHESIS.matcher(answer);
        if (!h.find() || h.group(1).strip().isEmpty()) {
            throw new AnswerException("the answer has no 'HYPOTHESIS:' line; " + format());
        }
        Matcher d = DELTA.matcher(answer);
        if (!d.find()) {
            throw new AnswerException("the answer has no 'EXPECTED_DELTA: <number>' line; " + format());
        }
        double delta;
        try {
            delta = Double.parseDouble(d.group(1).replace("\u2212", "-").replace(" ", ""));
        } catch (NumberFormatException e) {
            throw new AnswerException("EXPECTED_DELTA '" + d.group(1) + "' is not a number; " + format());
        }
        return new ParsedAnswer(h.group(1).strip(), delta, diff);
    }

    private static String diff(String answer) {
        Matcher fence = FENCE.matcher(answer);
        while (fence.find()) {
            String body = fence.group(1);
            if (body.contains("--- ") && body.contains("+++ ") && body.contains("@@")) {
                return body.endsWith("\n") ? body : body + "\n";
            }
        }
        Matcher bare = BARE.matcher(answer);
        if (bare.find() && answer.contains("+++ ") && answer.contains("@@")) {
            String body = bare.group(2);
            return body.endsWith("\n") ? body : body + "\n";
        }
        return null;
    }

    static String format() {
        return "answer with a line 'HYPOTHESIS: <what you change and why>', a line 'EXPECTED_DELTA: <number>' and the"
                + " unified diff in a ```diff block";
    }

    private static String excerpt(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 120 ? one : one.substring(0, 117) + "...";
    }
}
