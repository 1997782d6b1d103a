package dev.looplab.proposer.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A language model stand-in started by the test: it speaks OpenAI's chat-completions ({@code POST .../chat/completions})
 * and Anthropic's messages ({@code POST .../messages}) wire formats and answers each request with the next recorded
 * reply: a text, a delay (for timeouts) or an HTTP error. Every request body is kept.
 */
public final class FakeModelServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded reply. */
    public record Reply(String text, long delayMs, int status, long tokensIn, long tokensOut) {
        public static Reply text(String text) {
            return new Reply(text, 0, 200, 1000, 200);
        }

        public static Reply slow(String text, long delayMs) {
            return new Reply(text, delayMs, 200, 1000, 200);
        }

        public static Reply error(int status) {
            return new Reply("{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}", 0, status, 0, 0);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    public FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The base URL both providers are configured with ({@code http://127.0.0.1:port/v1}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeModelServer reply(Reply... next) {
        replies.addAll(List.of(next));
        return this;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    public List<String> paths() {
        return paths;
    }

    /** The text of every message of request {@code i}, joined. */
    public String conversation(int i) {
        JsonNode r = requests.get(i);
        StringBuilder all = new StringBuilder(r.path("system").isTextual() ? r.path("system").asText() + "\n" : "");
        for (JsonNode system : r.path("system")) {
            all.append(system.path("text").asText()).append('\n');
        }
        for (JsonNode m : r.path("messages")) {
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                all.append(content.asText()).append('\n');
            } else {
                content.forEach(part -> all.append(part.path("text").asText()).append('\n'));
            }
        }
        return all.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        paths.add(path);
        requests.add(JSON.readTree(body));
        Reply reply = replies.poll();
        if (reply == null) {
            reply = Reply.error(500);
        }
        if (reply.delayMs() > 0) {
            try {
                Thread.sleep(reply.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String model = requests.get(requests.size() - 1).path("model").asText("test-model");
        String out;
        if (reply.status() != 200) {
            out = reply.text();
        } else if (path.endsWith("/chat/completions")) {
            ObjectNode r = JSON.createObjectNode();
            r.put("id", "chatcmpl-" + requests.size()).put("object", "chat.completion").put("created", 1).put("model", model);
            ObjectNode choice = r.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", reply.text());
            r.putObject("usage").put("prompt_tokens", reply.tokensIn()).put("completion_tokens", reply.tokensOut())
                    .put("total_tokens", reply.tokensIn() + reply.tokensOut());
            out = JSON.writeValueAsString(r);
        } else if (path.endsWith("/messages")) {
            ObjectNode r = JSON.createObjectNode();
            r.put("id", "msg_" + requests.size()).put("type", "message").put("role", "assistant").put("model", model);
            r.putArray("content").addObject().put("type", "text").put("text", reply.text());
            r.put("stop_reason", "end_turn").putNull("stop_sequence");
            r.putObject("usage").put("input_tokens", reply.tokensIn()).put("output_tokens", reply.tokensOut());
            out = JSON.writeValueAsString(r);
        } else {
            out = "{\"error\":\"unknown path " + path + "\"}";
            reply = new Reply(out, 0, 404, 0, 0);
        }
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the client timed out first
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
