package dev.looplab.lineage.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A tab-separated file with a header line, read leniently: extra columns are kept, blank lines ignored. */
record Tsv(String file, List<String> header, List<Row> rows, List<SkippedRow> malformed) {

    /** One data line: column name (lower case) to its trimmed value; absent columns read as "". */
    record Row(int line, Map<String, String> values) {
        String get(String column) {
            String value = values.get(column);
            return value == null ? "" : value;
        }

        boolean has(String column) {
            return !get(column).isEmpty();
        }
    }

    static Tsv read(Path path, String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImportException("cannot read " + path + ": " + e.getMessage()
                    + "; check that the file exists and is readable UTF-8", e);
        }
        int headerIndex = 0;
        while (headerIndex < lines.size() && lines.get(headerIndex).isBlank()) {
            headerIndex++;
        }
        if (headerIndex == lines.size()) {
            throw new ImportException(path + " is empty; it needs a header line of tab-separated column names");
        }
        List<String> header = new ArrayList<>();
        // Spreadsheet exports start with a byte-order mark that is not part of the first column's name.
        String headerLine = strip(lines.get(headerIndex)).replaceFirst("^\uFEFF", "");
        for (String name : headerLine.split("\t", -1)) {
            header.add(name.strip().toLowerCase(Locale.ROOT));
        }
        List<Row> rows = new ArrayList<>();
        List<SkippedRow> malformed = new ArrayList<>();
        for (int i = headerIndex + 1; i < lines.size(); i++) {
            String line = strip(lines.get(i));
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != header.size()) {
                malformed.add(new SkippedRow(file, i + 1, "has " + fields.length + " tab-separated fields but the"
                        + " header has " + header.size() + " (" + String.join(", ", header) + ")"));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < fields.length; c++) {
                values.put(header.get(c), fields[c].strip());
            }
            rows.add(new Row(i + 1, values));
        }
        return new Tsv(file, List.copyOf(header), rows, malformed);
    }

    boolean hasColumn(String column) {
        return header.contains(column);
    }

    // Files written on Windows end lines with \r; a trailing newline inside the last field is not data.
    private static String strip(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
