package dev.looplab.platform.browse;

import java.util.List;

/**
 * One page of a campaign's trials under a filter: {@code total} rows match, this page holds rows
 * {@code page * size} to {@code page * size + rows.size()} in {@code sort} order.
 */
public record TrialPage(String campaign, long total, int page, int size, String sort, List<TrialRow> rows) {
}
