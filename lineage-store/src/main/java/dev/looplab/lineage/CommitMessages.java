package dev.looplab.lineage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.FooterLine;
import org.eclipse.jgit.util.RawParseUtils;

/** Writes and reads trial commit messages: hypothesis (short first line, wrapped body), then trailers. */
final class CommitMessages {

    static final String TRIAL = "Looplab-Trial";
    static final String PARENT = "Looplab-Parent";
    static final String SPECIALIST = "Looplab-Specialist";
    static final String SURFACE = "Looplab-Surface";
    static final String CAMPAIGN = "Looplab-Campaign";
    /** The trailers every trial commit has; a spec's extra trailers must use other names. */
    static final java.util.Set<String> STANDARD = java.util.Set.of(TRIAL, PARENT, SPECIALIST, SURFACE, CAMPAIGN);

    static final int WIDTH = 72;

    private CommitMessages() {
    }

    /** The full message: wrapped text, blank line, one trailer per entry. */
    static String compose(String text, Map<String, String> trailers) {
        StringBuilder message = new StringBuilder(wrap(text));
        message.append("\n\n");
        trailers.forEach((key, value) -> message.append(key).append(": ").append(value).append('\n'));
        return message.toString();
    }

    /** The message of a trial recorded from a diff: its hypothesis, then trial, parent, specialist, surface, campaign, then the spec's extra trailers. */
    static String of(TrialSpec spec) {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(TRIAL, spec.trialId());
        trailers.put(PARENT, spec.parentTrialId());
        trailers.put(SPECIALIST, spec.specialist());
        trailers.put(SURFACE, spec.surface());
        trailers.put(CAMPAIGN, spec.campaign());
        trailers.putAll(spec.trailers());
        return compose(spec.hypothesis(), trailers);
    }

    /**
     * Subject of at most {@value #WIDTH} columns, a blank line, then the rest with long lines wrapped
     * at word boundaries; existing short lines and paragraphs are kept as written.
     */
    static String wrap(String text) {
        String normalized = text.replace("\r\n", "\n").replace('\r', '\n').strip();
        int newline = normalized.indexOf('\n');
        String firstLine = newline < 0 ? normalized : normalized.substring(0, newline);
        String rest = newline < 0 ? "" : normalized.substring(newline + 1).strip();
        List<String> subject = wrapLine(firstLine);
        StringBuilder out = new StringBuilder(subject.get(0));
        List<String> body = new ArrayList<>();
        if (subject.size() > 1) {
            // The overflow of a long first line opens the body, so no word is lost.
            body.addAll(wrapLine(String.join(" ", subject.subList(1, subject.size()))));
        }
        if (!rest.isEmpty()) {
            if (!body.isEmpty()) {
                body.add("");
            }
            for (String line : rest.split("\n", -1)) {
                body.addAll(wrapLine(line.stripTrailing()));
            }
        }
        if (!body.isEmpty()) {
            out.append("\n\n").append(String.join("\n", body));
        }
        return out.toString();
    }

    private static List<String> wrapLine(String line) {
        List<String> lines = new ArrayList<>();
        if (line.length() <= WIDTH) {
            lines.add(line);
            return lines;
        }
        StringBuilder current = new StringBuilder();
        for (String word : line.trim().split("\\s+")) {
            if (current.length() > 0 && current.length() + 1 + word.length() > WIDTH) {
                lines.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        lines.add(current.toString());
        return lines;
    }

    /** Trailers of the last paragraph, key to last value, in order of appearance. */
    static Map<String, String> trailers(String message) {
        return trailers(FooterLine.fromMessage(message));
    }

    private static Map<String, String> trailers(List<FooterLine> footers) {
        Map<String, String> trailers = new LinkedHashMap<>();
        for (FooterLine line : footers) {
            trailers.put(line.getKey(), line.getValue());
        }
        return trailers;
    }

    /** The message without its trailer paragraph, stripped. */
    static String text(String message) {
        return text(message, FooterLine.fromMessage(message));
    }

    private static String text(String message, List<FooterLine> footers) {
        String stripped = message.strip();
        if (footers.isEmpty()) {
            return stripped;
        }
        int lastParagraph = stripped.lastIndexOf("\n\n");
        return lastParagraph < 0 ? "" : stripped.substring(0, lastParagraph).strip();
    }

    /** The trial a commit records, from its id and full message (trailers parsed once). */
    static TrialInfo info(String commitId, String message) {
        List<FooterLine> footers = FooterLine.fromMessage(message);
        Map<String, String> trailers = trailers(footers);
        return new TrialInfo(trailers.get(TRIAL), commitId, trailers.get(PARENT), trailers.get(CAMPAIGN),
                trailers.get(SPECIALIST), trailers.get(SURFACE), text(message, footers), trailers);
    }

    /** Like {@link #info(String, String)} from the commit's raw object bytes, without a RevCommit. */
    static TrialInfo info(ObjectId commit, byte[] raw) {
        int start = RawParseUtils.commitMessage(raw, 0);
        String message = start < 0 ? "" : RawParseUtils.decode(RawParseUtils.guessEncoding(raw), raw, start, raw.length);
        return info(commit.name(), message);
    }
}
