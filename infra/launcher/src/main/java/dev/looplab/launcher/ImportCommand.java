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
 * {@code looplab import <arr|autoresearch> <folder> [--lineage NAME] [--campaign NAME] [--tag TAG]}: asks the running
 * platform (LOOPLAB_PLATFORM_URL, default http://localhost:8080) to build a lineage from another tool's history, and
 * prints its report.
 */
final class ImportCommand {

    static final String USAGE = """
            usage: looplab import <arr|autoresearch> <folder> [--lineage NAME] [--campaign NAME] [--tag TAG]
              Builds a lineage (commits, outcome notes, Postgres rows) from another auto-research tool's history:
                arr           an Auto-Research-Recipes blackboard folder (results.tsv, tree.tsv, snapshots/)
                autoresearch  a karpathy/autoresearch checkout (.git with autoresearch/<tag>, results.tsv)
              The running platform (LOOPLAB_PLATFORM_URL, default http://localhost:8080) reads the folder, so it
              must be on the platform's machine. The lineage defaults to <format>-<folder name>, the campaign to
              the lineage; it is then served at <platform>/git/<lineage>.git. Importing again changes nothing.""";

    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The parsed command line. */
    record Invocation(String format, Path folder, String lineage, String campaign, String tag) {

        /** The body of {@code POST /api/imports}. */
        String json() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("format", format);
            fields.put("path", folder.toString());
            fields.put("lineage", lineage);
            if (campaign != null) {
                fields.put("campaign", campaign);
            }
            if (tag != null) {
                fields.put("tag", tag);
            }
            List<String> pairs = new ArrayList<>();
            fields.forEach((key, value) -> pairs.add(quote(key) + ": " + quote(value)));
            return "{" + String.join(", ", pairs) + "}";
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
        HttpRequest request = PlatformAccess.request(URI.create(base + "/api/imports"))
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json")
                .header("Accept", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(invocation.json(), StandardCharsets.UTF_8))
                .build();
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
            if (arg.startsWith("--")) {
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
                if (!List.of("lineage", "campaign", "tag").contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + "; use --lineage, --campaign or --tag");
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
        return new Invocation(format, folder, lineage, options.get("campaign"), options.get("tag"));
    }

    private static String defaultLineage(String format, Path folder) {
        String name = folder.getFileName() == null ? "root" : folder.getFileName().toString();
        String cleaned = (format + "-" + name).replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
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
