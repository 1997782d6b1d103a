package dev.looplab.lineage.importer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The histories Looplab can import, named as {@code looplab import <format>} spells them. */
public enum ImportFormat {
    /** An Auto-Research-Recipes blackboard folder: results.tsv, tree.tsv and snapshots/. */
    arr,
    /** A karpathy/autoresearch checkout: its git repository with autoresearch/&lt;tag&gt; and results.tsv. */
    autoresearch;

    /** The format named {@code name}, case-insensitive. */
    public static ImportFormat parse(String name) {
        if (name != null) {
            for (ImportFormat format : values()) {
                if (format.name().equals(name.strip().toLowerCase(Locale.ROOT))) {
                    return format;
                }
            }
        }
        throw new ImportException("import format '" + name + "' is not known; use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
