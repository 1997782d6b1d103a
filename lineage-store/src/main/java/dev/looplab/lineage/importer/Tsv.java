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

/**
 * A tab-separated file with a header line as Python's csv module writes it (delimiter tab, minimal quoting): a
 * cell that holds a quote, a tab or a line break is wrapped in quotes with inner quotes doubled. Read leniently:
 * extra columns are kept, blank lines ignored, and a line whose field count is off is kept aside as {@link Broken}
 * for the reader to recover or report.
 */
record Tsv(String file, List<String> header, List<Row> rows, List<Broken> broken) {

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

    /** A line whose field count differs from the header's: its fields as parsed, and the text as written. */
    record Broken(int line, List<String> fields, String text) {
    }

    static Tsv read(Path path, String file) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImportException("cannot read " + path + ": " + e.getMessage()
                    + "; check that the file exists and is readable UTF-8", e);
        }
        return parse(text, path.toString(), file);
    }

    static Tsv parse(String text, String where, String file) {
        // Spreadsheet exports start with a byte-order mark that is not part of the first column's name.
        List<String> lines = List.of(text.replaceFirst("^\uFEFF", "").split("\r?\n|\r", -1));
        int headerIndex = 0;
        while (headerIndex < lines.size() && lines.get(headerIndex).isBlank()) {
            headerIndex++;
        }
        if (headerIndex == lines.size()) {
            throw new ImportException(where + " is empty; it needs a header line of tab-separated column names");
        }
        List<String> header = new ArrayList<>();
        for (String name : lines.get(headerIndex).split("\t", -1)) {
            header.add(unquote(name.strip()).strip().toLowerCase(Locale.ROOT));
        }
        List<Row> rows = new ArrayList<>();
        List<Broken> broken = new ArrayList<>();
        int i = headerIndex + 1;
        while (i < lines.size()) {
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            Record record = record(lines, i, true);
            // A stray quote must not swallow the lines after it: read the line alone when the record spans lines
            // and still does not fit the header.
            if (record.next() > i + 1 && record.fields().size() != header.size()) {
                record = record(lines, i, false);
            }
            String raw = String.join("\n", lines.subList(i, record.next()));
            if (record.fields().size() != header.size()) {
                broken.add(new Broken(i + 1, record.fields(), raw));
            } else {
                Map<String, String> values = new LinkedHashMap<>();
                for (int c = 0; c < header.size(); c++) {
                    values.put(header.get(c), record.fields().get(c).strip());
                }
                rows.add(new Row(i + 1, values));
            }
            i = record.next();
        }
        return new Tsv(file, List.copyOf(header), rows, broken);
    }

    /** Every broken line as a skipped row, for readers that cannot recover one. */
    List<SkippedRow> malformed() {
        return broken.stream().map(b -> new SkippedRow(file, b.line(), "has " + b.fields().size()
                + " tab-separated fields but the header has " + header.size() + " (" + String.join(", ", header)
                + "); restore the tabs between its fields")).toList();
    }

    boolean hasColumn(String column) {
        return header.contains(column);
    }

    private record Record(List<String> fields, int next) {
    }

    /** Parses one record starting at line {@code start} the way Python's csv reader does (not strict). */
    private static Record record(List<String> lines, int start, boolean spanLines) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int lineIndex = start;
        String line = lines.get(lineIndex);
        int p = 0;
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (p >= line.length()) {
                if (quoted && spanLines && lineIndex + 1 < lines.size()) {
                    field.append('\n');
                    line = lines.get(++lineIndex);
                    p = 0;
                    continue;
                }
                fields.add(field.toString());
                return new Record(fields, lineIndex + 1);
            }
            char c = line.charAt(p++);
            if (quoted) {
                if (c == '"') {
                    if (p < line.length() && line.charAt(p) == '"') {
                        field.append('"');
                        p++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                continue;
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else {
                field.append(c);
            }
            fieldStart = false;
        }
    }

    private static String unquote(String cell) {
        if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
            return cell.substring(1, cell.length() - 1).replace("\"\"", "\"");
        }
        return cell;
    }
}
