package dev.looplab.launcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code looplab import <arr|autoresearch> <folder> [options]}: packs the folder as a zip and sends it to the running
 * platform (LOOPLAB_PLATFORM_URL, default http://localhost:8080), which builds a lineage from another tool's history;
 * prints its report. {@code --on-server} sends only the path, for a folder under the platform's import root.
 */
final class ImportCommand {

    static final String USAGE = """
            usage: looplab import <arr|autoresearch> <folder> [--lineage NAME] [--campaign NAME] [--branch NAME]
                                  [--score COLUMN --direction lower|higher] [--gate ACCURACY] [--on-server]
              Builds a lineage (commits, outcome notes, Postgres rows) from another auto-research tool's history:
                arr           an Auto-Research-Recipes blackboard folder (results.tsv, tree.tsv, best.json,
                              KNOWLEDGE.md, snapshots/)
                autoresearch  a karpathy/autoresearch checkout (.git with the run's branch, results.tsv)
              The folder is packed as a zip and uploaded to the running platform (LOOPLAB_PLATFORM_URL, default
              http://localhost:8080); --on-server sends only its path, which must be under the platform's
              looplab.imports.root. The lineage defaults to <format>-<folder name> (the run's folder when the
              folder is blackboard/), the campaign to the lineage; it is then served at
              <platform>/git/<lineage>.git. Importing again changes nothing.
                --branch NAME     the autoresearch run's branch (default: the only branch besides main/master)
                --score COLUMN    the score column (default: core_metric, train_s with accuracy, val_bpb, ...)
                --direction D     lower or higher: which score is better
                --gate ACCURACY   the accuracy a train_s score is valid from (default 0.96)""";
    private static final List<String> OPTIONS = List.of("lineage", "campaign", "tag", "branch", "score", "direction",
            "gate");

    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The parsed command line. */
    record Invocation(String format, Path folder, String lineage, String campaign, String branch, String score,
            String direction, String gate, boolean onServer) {

        /** The body of {@code POST /api/imports} for a folder on the platform's machine. */
        String json() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("format", format);
            fields.put("path", folder.toString());
            fields.putAll(options());
            List<String> pairs = new ArrayList<>();
            fields.forEach((key, value) -> pairs.add(quote(key) + ": " + (key.equals("gate") ? value : quote(value))));
            return "{" + String.join(", ", pairs) + "}";
        }

        /** The query of an upload: format, lineage, the options given, and the folder as the source's name. */
        String query() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("format", format);
            fields.putAll(options());
            fields.put("source", folder.toString());
            List<String> pairs = new ArrayList<>();
            fields.forEach((key, value) -> pairs.add(key + "=" + java.net.URLEncoder.encode(value,
                    StandardCharsets.UTF_8)));
            return String.join("&", pairs);
        }

        private Map<String, String> options() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("lineage", lineage);
            for (String[] option : new String[][] {{"campaign", campaign}, {"branch", branch}, {"score", score},
                {"direction", direction}, {"gate", gate}}) {
                if (option[1] != null) {
                    fields.put(option[0], option[1]);
                }
            }
            return fields;
        }
    }

    private ImportCommand() {
    }

    /** Runs the command; returns the process exit code. */
    static int run(List<String> args, Map<String, String> env) {
        Invocation invocation;
        try {
            invocation = parse(args, Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        String base = Looplab.platformUrl(env);
        HttpRequest.Builder builder = PlatformAccess.request(URI.create(base + "/api/imports")).timeout(Duration.ofMinutes(30))
                .header("Accept", "text/plain");
        if (invocation.onServer()) {
            builder.uri(URI.create(base + "/api/imports")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(invocation.json(), StandardCharsets.UTF_8));
        } else {
            Path zip;
            try {
                zip = pack(invocation.folder(), invocation.format());
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            } catch (IOException e) {
                System.err.println("cannot pack " + invocation.folder() + ": " + e.getMessage()
                        + "; check that the folder is readable");
                return 1;
            }
            zip.toFile().deleteOnExit();
            try {
                builder.uri(URI.create(base + "/api/imports?" + invocation.query()))
                        .header("Content-Type", "application/zip").POST(HttpRequest.BodyPublishers.ofFile(zip));
            } catch (java.io.FileNotFoundException e) {
                System.err.println("the packed folder " + zip + " vanished: " + e.getMessage());
                return 1;
            }
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            System.err.println("cannot reach the platform at " + base + ": start it with ./looplab up, or set"
                    + " LOOPLAB_PLATFORM_URL to where it runs");
            return 1;
        } catch (IOException e) {
            System.err.println("the import request to " + base + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() == 200) {
            System.out.print(response.body());
            System.out.println("clone it with: git clone " + base + "/git/" + invocation.lineage() + ".git");
            return 0;
        }
        System.err.println("import refused (" + response.statusCode() + "): " + errorOf(response.body())
                + PlatformAccess.hint(response.statusCode()));
        return 1;
    }

    /** Reads the arguments after {@code import}; a relative folder is made absolute against {@code cwd}. */
    static Invocation parse(List<String> args, Path cwd) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--on-server")) {
                options.put("on-server", "true");
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                if (!OPTIONS.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "; use --lineage, --campaign,"
                            + " --branch, --score, --direction, --gate or --on-server");
                }
                options.put(name, value);
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException("looplab import needs a format and a folder, got " + positional);
        }
        String format = positional.get(0).toLowerCase(Locale.ROOT);
        Path folder = cwd.resolve(positional.get(1)).toAbsolutePath().normalize();
        String lineage = options.getOrDefault("lineage", defaultLineage(format, folder));
        String gate = options.get("gate");
        if (gate != null) {
            try {
                Double.parseDouble(gate);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--gate " + gate + " is not a number; pass an accuracy such as 0.94");
            }
        }
        String direction = options.get("direction");
        if (direction != null && !direction.equals("lower") && !direction.equals("higher")) {
            throw new IllegalArgumentException("--direction " + direction + " is not lower or higher");
        }
        return new Invocation(format, folder, lineage, options.get("campaign"),
                options.getOrDefault("branch", options.get("tag")), options.get("score"), direction, gate,
                options.containsKey("on-server"));
    }

    private static String defaultLineage(String format, Path folder) {
        // every published ARR run keeps its blackboard in <run>/blackboard/: the run's folder names it
        Path named = folder.getFileName() != null && folder.getFileName().toString().equals("blackboard")
                && folder.getParent() != null && folder.getParent().getFileName() != null ? folder.getParent() : folder;
        String name = named.getFileName() == null ? "root" : named.getFileName().toString();
        String cleaned = (format + "-" + name).replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    /**
     * Packs the source folder as a zip in a temporary file, paths relative to the folder. An ARR snapshot file over
     * 4 MiB (a checkpoint) stays behind: the platform would leave it out of the lineage anyway.
     */
    static Path pack(Path folder, String format) throws IOException {
        if (!java.nio.file.Files.isDirectory(folder)) {
            throw new IllegalArgumentException("import source " + folder + " is not a folder; pass the "
                    + (format.equals("arr") ? "ARR blackboard folder (with results.tsv)"
                            : "autoresearch checkout (with .git and results.tsv)"));
        }
        Path zip = java.nio.file.Files.createTempFile("looplab-import-", ".zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(
                java.nio.file.Files.newOutputStream(zip)); var files = java.nio.file.Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!java.nio.file.Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String name = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (format.equals("arr") && (name.contains("__pycache__/")
                        || name.startsWith("snapshots/") && java.nio.file.Files.size(file) > 4L * 1024 * 1024)) {
                    continue;
                }
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                java.nio.file.Files.copy(file, out);
                out.closeEntry();
            }
        }
        return zip;
    }

    private static String errorOf(String body) {
        Matcher matcher = ERROR.matcher(body);
        if (!matcher.find()) {
            return body;
        }
        return matcher.group(1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
