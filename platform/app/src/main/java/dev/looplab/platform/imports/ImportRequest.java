package dev.looplab.platform.imports;

/**
 * What {@code POST /api/imports} takes.
 *
 * @param format {@code arr} or {@code autoresearch}
 * @param path the source folder on the platform's machine
 * @param lineage the name of the lineage to write ({@code <home>/lineage/<lineage>.git}, served at /git/&lt;lineage&gt;.git)
 * @param campaign the campaign the trials belong to; the lineage name when absent
 * @param tag the autoresearch branch tag when the checkout has several; optional
 */
public record ImportRequest(String format, String path, String lineage, String campaign, String tag) {
}
