package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code looplab export <campaign> --format arr|autoresearch [--out DIR]}: writes the campaign's results.tsv (and for
 * ARR tree.tsv, best.json, KNOWLEDGE.md) in the other tool's layout, from the running platform.
 */
final class ExportCommand {

    static final String USAGE = """
            usage: looplab export <campaign> --format arr|autoresearch [--out DIR]
              Writes the campaign in another tool's layout so its scripts can read it: arr gives results.tsv,
              tree.tsv, best.json and KNOWLEDGE.md; autoresearch gives results.tsv with the lineage's commits.
              DIR defaults to ./<campaign>-<format>; an export imported back gives the same tree and best.""";

    private ExportCommand() {
    }

    static int run(List<String> args, Map<String, String> env) {
        String campaign = null;
        String format = null;
        Path out = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--format") || arg.equals("--out")) && i + 1 < args.size()) {
                if (arg.equals("--format")) {
                    format = args.get(++i);
                } else {
                    out = Path.of(args.get(++i));
                }
            } else if (!arg.startsWith("--") && campaign == null) {
                campaign = arg;
            } else {
                System.err.println("unexpected argument " + arg);
                System.err.println(USAGE);
                return 2;
            }
        }
        if (campaign == null || format == null) {
            System.err.println("looplab export needs a campaign and --format arr|autoresearch");
            System.err.println(USAGE);
            return 2;
        }
        Path folder = (out != null ? out : Path.of(campaign + "-" + format)).toAbsolutePath();
        String base = Looplab.platformUrl(env);
        HttpRequest request = PlatformAccess.request(URI.create(base + "/api/exports/"
                        + URLEncoder.encode(campaign, StandardCharsets.UTF_8) + "?format="
                        + URLEncoder.encode(format, StandardCharsets.UTF_8)))
                .timeout(Duration.ofMinutes(10)).header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode body = new ObjectMapper().readTree(response.body());
            if (response.statusCode() != 200) {
                System.err.println("export refused (" + response.statusCode() + "): "
                        + (body.has("error") ? body.get("error").asText() : response.body()));
                return 1;
            }
            Files.createDirectories(folder);
            for (Iterator<Map.Entry<String, JsonNode>> it = body.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> file = it.next();
                Path target = folder.resolve(file.getKey()).normalize();
                if (!target.getParent().equals(folder)) {
                    System.err.println("the platform sent a file name that leaves " + folder + ": " + file.getKey());
                    return 1;
                }
                Files.writeString(target, file.getValue().asText(), StandardCharsets.UTF_8);
                System.out.println("wrote " + target);
            }
            return 0;
        } catch (ConnectException e) {
            System.err.println("cannot reach the platform at " + base + ": start it with ./looplab up, or set"
                    + " LOOPLAB_PLATFORM_URL to where it runs");
            return 1;
        } catch (IOException e) {
            System.err.println("the export from " + base + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
