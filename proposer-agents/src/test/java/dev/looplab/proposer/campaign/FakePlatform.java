package dev.looplab.proposer.campaign;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.looplab.events.Json;
import dev.looplab.proposer.platform.CampaignStatus;
import dev.looplab.proposer.platform.ProposalStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP server that answers the three platform endpoints the proposer reads, from state the
 * test sets; it stands in for the platform in the proposer's own tests only.
 */
final class FakePlatform implements AutoCloseable {
    private final HttpServer server;
    private volatile CampaignStatus campaign;
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, ProposalStatus> processed = new ConcurrentHashMap<>();

    FakePlatform() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The campaign the platform reports; null answers 404. */
    void campaign(CampaignStatus status) {
        this.campaign = status;
    }

    void file(String trialId, String path, String text) {
        files.put(trialId + "/" + path, text);
    }

    void processed(String proposalId, String trialId) {
        processed.put(proposalId, new ProposalStatus(proposalId, trialId, "accepted", null));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getRawPath().split("/", 5); // "", api, kind, id, rest
        String kind = parts.length > 2 ? parts[2] : "";
        String id = parts.length > 3 ? URLDecoder.decode(parts[3], StandardCharsets.UTF_8) : "";
        String body = switch (kind) {
            case "campaigns" -> campaign != null && campaign.campaign().equals(id) ? Json.write(campaign) : null;
            case "proposals" -> processed.containsKey(id) ? Json.write(processed.get(id)) : null;
            case "trials" -> parts.length == 5 && parts[4].startsWith("files/")
                    ? files.get(id + "/" + URLDecoder.decode(parts[4].substring(6), StandardCharsets.UTF_8)) : null;
            default -> null;
        };
        byte[] bytes = (body == null ? "not found" : body).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
