package dev.looplab.platform.browse;

import dev.looplab.platform.rest.ErrorBody;
import dev.looplab.trial.TrialStatus;
import jakarta.ws.rs.WebApplicationException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which trials of a campaign a table, a CSV export or a chart asks for, and in which order: parsed from query
 * parameters, each refused with a 400 that names the parameter and what it takes.
 *
 * @param statuses trial statuses (a group name, {@code in_flight} or {@code failure}, stands for its members)
 * @param words    words of the hypothesis or feedback; each matches as a word prefix, all must occur
 * @param ids      only these trials (the browser refreshes the rows a live event names)
 */
public record TrialFilter(Set<TrialStatus> statuses, Set<String> specialists, Set<String> surfaces,
                          Set<String> kinds, Double minScore, Double maxScore, List<String> words, Set<String> ids,
                          Order order) {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_]+");
    private static final int MAX_VALUES = 500;
    private static final int MAX_WORDS = 8;

    /** The columns a trial list can be ordered by; ties are broken by creation, newest first. */
    public enum Sort {
        created("created_at"), recorded("recorded_at"), score("score"), delta_parent("delta_vs_parent"),
        delta_best("delta_vs_best"), specialist("specialist"), status("status"), train_seconds("train_seconds");

        final String column;

        Sort(String column) {
            this.column = column;
        }
    }

    /** A sort key and its direction, written {@code score} (ascending) or {@code -score} (descending). */
    public record Order(Sort key, boolean ascending) {
        public static final Order NEWEST_FIRST = new Order(Sort.created, false);

        public String text() {
            return (ascending ? "" : "-") + key.name();
        }
    }

    /** Every trial of the campaign, newest first. */
    public static TrialFilter all() {
        return new TrialFilter(Set.of(), Set.of(), Set.of(), Set.of(), null, null, List.of(), Set.of(),
                Order.NEWEST_FIRST);
    }

    /** The filter the query parameters describe; each absent parameter filters nothing. */
    public static TrialFilter parse(String status, String specialist, String surface, String kind, String minScore,
                                    String maxScore, String text, String ids, String sort) {
        return new TrialFilter(statuses(status), values("specialist", specialist), values("surface", surface),
                values("kind", kind), number("min_score", minScore), number("max_score", maxScore), words(text),
                values("ids", ids), order(sort));
    }

    /** True when nothing but the campaign narrows the rows. */
    public boolean isEmpty() {
        return statuses.isEmpty() && specialists.isEmpty() && surfaces.isEmpty() && kinds.isEmpty()
                && minScore == null && maxScore == null && words.isEmpty() && ids.isEmpty();
    }

    /** The Postgres text query of {@link #words}: {@code 'lr':* & 'warmup':*}. */
    String textQuery() {
        return words.stream().map(w -> "'" + w + "':*").collect(Collectors.joining(" & "));
    }

    static Set<TrialStatus> statuses(String text) {
        Set<TrialStatus> chosen = EnumSet.noneOf(TrialStatus.class);
        for (String name : values("status", text)) {
            switch (name) {
                case "in_flight" -> Arrays.stream(TrialStatus.values()).filter(TrialStatus::isInFlight)
                        .forEach(chosen::add);
                case "failure" -> Arrays.stream(TrialStatus.values()).filter(TrialStatus::isFailure)
                        .forEach(chosen::add);
                default -> chosen.add(TrialStatus.of(name).orElseThrow(() -> invalid("status=" + shorten(name)
                        + " is no trial status: use " + Arrays.stream(TrialStatus.values()).map(Enum::name)
                        .collect(Collectors.joining(", ")) + ", or the groups in_flight and failure"
                        + " (GET /api/statuses lists them)")));
            }
        }
        return chosen;
    }

    static Set<String> values(String name, String text) {
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        Set<String> values = Arrays.stream(text.split(",")).map(String::strip).filter(v -> !v.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (values.size() > MAX_VALUES) {
            throw invalid(name + " lists " + values.size() + " values: ask for at most " + MAX_VALUES);
        }
        return values;
    }

    static Double number(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid(name + "=" + shorten(text) + " is not a number: give a finite decimal such as 3.85");
    }

    static List<String> words(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        Set<String> words = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            words.add(m.group());
        }
        if (words.size() > MAX_WORDS) {
            throw invalid("q has " + words.size() + " words: search with at most " + MAX_WORDS);
        }
        return List.copyOf(words);
    }

    static Order order(String text) {
        if (text == null || text.isBlank()) {
            return Order.NEWEST_FIRST;
        }
        String name = text.strip();
        boolean descending = name.startsWith("-");
        String key = descending || name.startsWith("+") ? name.substring(1) : name;
        Sort sort = Arrays.stream(Sort.values()).filter(s -> s.name().equals(key)).findFirst()
                .orElseThrow(() -> invalid("sort=" + shorten(text) + " is no order: use one of "
                        + Arrays.stream(Sort.values()).map(Enum::name).collect(Collectors.joining(", "))
                        + ", with a leading - for descending"));
        return new Order(sort, !descending);
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    static WebApplicationException invalid(String message) {
        return new WebApplicationException(ErrorBody.of(400, message));
    }
}
