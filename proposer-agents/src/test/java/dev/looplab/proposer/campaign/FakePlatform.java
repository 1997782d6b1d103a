package dev.looplab.proposer.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.looplab.events.Proposal;
import dev.looplab.proposer.TaskFixtures;
import dev.looplab.proposer.knob.KnobParser;
import dev.looplab.proposer.patch.Patch;
import dev.looplab.proposer.platform.CampaignView;
import dev.looplab.proposer.platform.KnobChange;
import dev.looplab.proposer.platform.LineageRow;
import dev.looplab.proposer.platform.ProposalStatus;
import dev.looplab.proposer.platform.TaskView;
import dev.looplab.trial.TrialStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server that answers the platform endpoints the proposer reads (campaigns, lineage rows, knowledge,
 * tasks, trial files, proposal statuses), from state the test sets; it can accept a proposal as a trial and record
 * its outcome, so a test plays the platform's part of the loop.
 */
final class FakePlatform implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, CampaignView> campaigns = new LinkedHashMap<>();
    private final Map<String, List<LineageRow>> rows = new ConcurrentHashMap<>();
    private final Map<String, String> knowledge = new ConcurrentHashMap<>();
    final List<String> knowledgeWrites = new CopyOnWriteArrayList<>();
    private final Map<String, TaskView> tasks = new ConcurrentHashMap<>();
    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, ProposalStatus> processed = new ConcurrentHashMap<>();
    private final AtomicInteger nextTrial = new AtomicInteger(100);

    FakePlatform() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/", this::handle);
        server.start();
        for (String task : List.of("golf-mini", "airbench-mini")) {
            tasks.put(task, TaskFixtures.task(task));
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Opens {@code campaign} on {@code task}: a scored root trial "root-<task>" whose recipe is the checkout's. */
    synchronized void open(String campaign, String task, String team, int slots) {
        String root = "root-" + task;
        files.put(root + "/" + tasks.get(task).entry(), TaskFixtures.recipe(task).text());
        List<LineageRow> list = new CopyOnWriteArrayList<>();
        list.add(new LineageRow(root, null, "baseline", "all", "root", TrialStatus.keep, 3.9, null, null, null,
                Map.of(), "baseline", null, 300_000L, 30.0, null, null, null, 0, 1L));
        rows.put(campaign, list);
        campaigns.put(campaign, new CampaignView(campaign, task, root, root, 3.9, "lower", 0, 1, 30, "running", team,
                null, null, 3.9, new CampaignView.NoiseFloor(0.01, 3, 3.9), 1, slots));
    }

    synchronized void state(String campaign, String state) {
        CampaignView c = campaigns.get(campaign);
        campaigns.put(campaign, new CampaignView(c.campaign(), c.task(), c.rootTrialId(), c.bestTrialId(), c.bestScore(),
                c.direction(), c.inFlight(), c.recorded(), c.trainBudgetSeconds(), state, c.team(), c.stopReason(),
                c.remainingTrials(), c.baselineScore(), c.noiseFloor(), c.liveWorkers(), c.slots()));
    }

    synchronized void remainingTrials(String campaign, Long remaining) {
        CampaignView c = campaigns.get(campaign);
        campaigns.put(campaign, new CampaignView(c.campaign(), c.task(), c.rootTrialId(), c.bestTrialId(), c.bestScore(),
                c.direction(), c.inFlight(), c.recorded(), c.trainBudgetSeconds(), c.state(), c.team(), c.stopReason(),
                remaining, c.baselineScore(), c.noiseFloor(), c.liveWorkers(), c.slots()));
    }

    /** Adds a recorded trial by {@code specialist} that changed nothing worth knowing (for cold-start tests). */
    synchronized void addRecorded(String campaign, String specialist, String surface) {
        CampaignView c = campaigns.get(campaign);
        rows.get(campaign).add(new LineageRow("x" + nextTrial.incrementAndGet(), c.bestTrialId(), specialist, surface,
                "proposal", TrialStatus.discard, 3.95, 0.05, 0.05, null, Map.of(), "h", "worse", null, null, null,
                null, null, 0, 1L));
        refresh(campaign);
    }

    /** The platform accepts {@code p}: a trial row (queued) with its knob changes, its files, its status. */
    synchronized String accept(Proposal p) {
        String trial = Integer.toString(nextTrial.incrementAndGet());
        CampaignView c = campaigns.get(p.campaign());
        String entry = tasks.get(c.task()).entry();
        String parentText = files.get(p.parentTrial() + "/" + entry);
        String text = Patch.parse(p.diff()).applyTo(parentText);
        files.put(trial + "/" + entry, text);
        Map<String, String> before = KnobParser.literals(parentText);
        Map<String, String> after = KnobParser.literals(text);
        Map<String, KnobChange> knobs = new LinkedHashMap<>();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k))) {
                knobs.put(k, new KnobChange(v, after.get(k)));
            }
        });
        rows.get(p.campaign()).add(new LineageRow(trial, p.parentTrial(), p.specialist(), p.surface(), "proposal",
                TrialStatus.queued, null, null, null, p.expectedDelta(), knobs, p.hypothesis(), null, null, null,
                p.model(), p.tokensIn(), p.tokensOut(), System.currentTimeMillis(), null));
        processed.put(p.proposalId(), new ProposalStatus(p.proposalId(), trial, "queued", null));
        refresh(p.campaign());
        return trial;
    }

    /** Records trial's outcome; a keep makes it the best. */
    synchronized void record(String campaign, String trial, TrialStatus status, Double score) {
        List<LineageRow> list = rows.get(campaign);
        for (int i = 0; i < list.size(); i++) {
            LineageRow r = list.get(i);
            if (r.trial().equals(trial)) {
                Double delta = score == null ? null : score - 3.9;
                list.set(i, new LineageRow(r.trial(), r.parent(), r.specialist(), r.surface(), r.kind(), status, score,
                        delta, delta, r.expectedDelta(), r.knobs(), r.hypothesis(), status.isFailure() ? "failed" : "ok",
                        300_000L, 30.0, r.model(), r.tokensIn(), r.tokensOut(), r.createdAtMs(), 1L));
            }
        }
        CampaignView c = campaigns.get(campaign);
        if (status == TrialStatus.keep) {
            campaigns.put(campaign, new CampaignView(c.campaign(), c.task(), c.rootTrialId(), trial, score, c.direction(),
                    c.inFlight(), c.recorded(), c.trainBudgetSeconds(), c.state(), c.team(), c.stopReason(),
                    c.remainingTrials(), c.baselineScore(), c.noiseFloor(), c.liveWorkers(), c.slots()));
        }
        refresh(campaign);
    }

    List<LineageRow> rows(String campaign) {
        return List.copyOf(rows.get(campaign));
    }

    String knowledge(String campaign) {
        return knowledge.get(campaign);
    }

    /** Recomputes in flight and recorded from the rows. */
    private void refresh(String campaign) {
        CampaignView c = campaigns.get(campaign);
        long inFlight = rows.get(campaign).stream().filter(r -> r.status() != null && r.status().isInFlight()).count();
        long recorded = rows.get(campaign).stream().filter(LineageRow::isRecorded).count();
        campaigns.put(campaign, new CampaignView(c.campaign(), c.task(), c.rootTrialId(), c.bestTrialId(), c.bestScore(),
                c.direction(), (int) inFlight, (int) recorded, c.trainBudgetSeconds(), c.state(), c.team(),
                c.stopReason(), c.remainingTrials(), c.baselineScore(), c.noiseFloor(), c.liveWorkers(), c.slots()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getRawPath().split("/", 5); // "", api, kind, id, rest
        String kind = parts.length > 2 ? parts[2] : "";
        String id = parts.length > 3 ? URLDecoder.decode(parts[3], StandardCharsets.UTF_8) : "";
        String rest = parts.length > 4 ? parts[4] : "";
        Object body;
        String type = "application/json";
        synchronized (this) {
            body = switch (kind) {
                case "statuses" -> List.of();
                case "campaigns" -> {
                    if (id.isEmpty()) {
                        yield new ArrayList<>(campaigns.values());
                    }
                    if (!campaigns.containsKey(id)) {
                        yield null;
                    }
                    if (rest.equals("lineage")) {
                        yield rows.get(id);
                    }
                    if (rest.equals("knowledge")) {
                        if (exchange.getRequestMethod().equals("PUT")) {
                            String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                            knowledge.put(id, text);
                            knowledgeWrites.add(id);
                            yield Map.of("campaign", id, "commit", "0".repeat(40));
                        }
                        type = "text/markdown";
                        yield knowledge.get(id);
                    }
                    yield campaigns.get(id);
                }
                case "tasks" -> tasks.get(id);
                case "proposals" -> processed.get(id);
                case "trials" -> rest.startsWith("files/")
                        ? files.get(id + "/" + URLDecoder.decode(rest.substring(6), StandardCharsets.UTF_8)) : null;
                default -> null;
            };
        }
        if (body instanceof String s && !type.equals("text/markdown") && kind.equals("trials")) {
            type = "text/plain";
        }
        byte[] bytes = body == null ? "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8)
                : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
