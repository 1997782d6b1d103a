package dev.looplab.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code looplab token create|list|revoke}: API tokens through the running platform, with an admin token (the
 * local one of looplab up, or LOOPLAB_TOKEN). The secret of a new token is printed this once and never again.
 * Exit 0 on success, 2 on bad input or an unreachable platform, 3 when the platform refuses.
 */
final class TokenCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String USAGE = """
            usage: looplab token create --role viewer|agent|worker|admin --name NAME
                   looplab token list
                   looplab token revoke NAME
              Creates an API token and prints its secret once (the platform keeps only its SHA-256), lists the
              tokens (name, role, created, last used, revoked), or revokes one: its next request gets 401.
              Clients send it as LOOPLAB_TOKEN (or LOOPLAB_TOKEN_FILE); see docs/deploy.md.""";

    private TokenCommand() {
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        String base = Looplab.platformUrl(env);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            var token = PlatformAccess.token(env);
            HttpRequest.Builder request = switch (args.get(0)) {
                case "create" -> create(args.subList(1, args.size()), base, token);
                case "list" -> PlatformAccess.request(URI.create(base + "/api/tokens"), token).GET();
                case "revoke" -> {
                    if (args.size() != 2) {
                        throw new IllegalArgumentException("looplab token revoke takes one token name");
                    }
                    yield PlatformAccess.request(URI.create(base + "/api/tokens/"
                            + URLEncoder.encode(args.get(1), StandardCharsets.UTF_8).replace("+", "%20")), token).DELETE();
                }
                default -> throw new IllegalArgumentException("unknown token command '" + args.get(0) + "'");
            };
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                err.println("token " + args.get(0) + " refused (HTTP " + response.statusCode() + "): "
                        + errorOf(response.body()) + PlatformAccess.hint(response.statusCode()));
                return response.statusCode() == 404 || response.statusCode() == 422 ? 2 : 3;
            }
            JsonNode body = JSON.readTree(response.body());
            switch (args.get(0)) {
                case "create" -> {
                    out.println("created token " + body.path("name").asText() + " (role " + body.path("role").asText()
                            + "); its secret is shown this once, keep it now:");
                    out.println(body.path("token").asText());
                }
                case "list" -> list(body, out);
                default -> out.println("revoked token " + body.path("name").asText() + " (role "
                        + body.path("role").asText() + ")");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("cannot reach the platform at " + base + " (" + e.getMessage()
                    + "): start it with ./looplab up or set LOOPLAB_PLATFORM_URL");
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private static HttpRequest.Builder create(List<String> args, String base,
                                              java.util.Optional<dev.looplab.access.PlatformToken> token) {
        String role = null;
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--role") || arg.equals("--name")) && i + 1 < args.size()) {
                if (arg.equals("--role")) {
                    role = args.get(++i);
                } else {
                    name = args.get(++i);
                }
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        if (role == null || name == null) {
            throw new IllegalArgumentException("looplab token create needs --role and --name");
        }
        ObjectNode body = JSON.createObjectNode().put("name", name).put("role", role);
        return PlatformAccess.request(URI.create(base + "/api/tokens"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    private static void list(JsonNode tokens, PrintStream out) {
        out.printf("%-24s %-7s %-20s %-20s %s%n", "NAME", "ROLE", "CREATED", "LAST USED", "REVOKED");
        for (JsonNode t : tokens) {
            out.printf("%-24s %-7s %-20s %-20s %s%n", t.path("name").asText(), t.path("role").asText(),
                    time(t.path("createdAt")), time(t.path("lastUsedAt")), time(t.path("revokedAt")));
        }
    }

    private static String time(JsonNode at) {
        if (at.isMissingNode() || at.isNull()) {
            return "-";
        }
        String text = at.asText();
        return text.length() > 19 ? text.substring(0, 19).replace('T', ' ') : text;
    }

    private static String errorOf(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return error.isMissingNode() ? body : error.asText();
        } catch (IOException e) {
            return body;
        }
    }
}
