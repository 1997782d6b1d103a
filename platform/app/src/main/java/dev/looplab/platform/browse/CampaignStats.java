package dev.looplab.platform.browse;

import dev.looplab.evaluation.KeepRule;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.campaign.NoiseFloorService;
import dev.looplab.platform.trial.Trial;
import dev.looplab.trial.Direction;
import dev.looplab.trial.TrialStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The campaign-wide numbers of the browser: per specialist, per status, the best-so-far series and the summaries
 * of the campaigns list. Each is one or two aggregate queries over the campaign's rows.
 */
@ApplicationScoped
class CampaignStats {
    static final int SPARKLINE_POINTS = 40;
    /** The trials that compete for the best: the baseline and the proposals (not noise runs, not replays). */
    static final String COMPETING = "kind in ('" + Trial.KIND_ROOT + "', '" + Trial.KIND_PROPOSAL + "')";
    private static final String FAILURES = Arrays.stream(TrialStatus.values()).filter(TrialStatus::isFailure)
            .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));

    @Inject
    BrowseQueries queries;
    @Inject
    CampaignRepository campaigns;
    @Inject
    NoiseFloorService noiseFloors;

    List<StatusCount> statuses(String campaign) {
        return queries.query("select status, count(*) from trial where campaign_id = ? group by status",
                List.of(campaign), rs -> {
                    List<StatusCount> out = new ArrayList<>();
                    while (rs.next()) {
                        TrialStatus status = TrialStatus.of(rs.getString(1)).orElse(null);
                        if (status != null) {
                            out.add(new StatusCount(status, StatusCount.groupOf(status), rs.getLong(2)));
                        }
                    }
                    out.sort((a, b) -> a.status().compareTo(b.status()));
                    return out;
                });
    }

    List<SpecialistStats> specialists(Campaign campaign) {
        record Counts(long trials, long scored, long keeps, long crashes, long failures, long inFlight, Double min,
                      Double max) {
        }
        Map<String, Counts> counts = queries.query("select specialist, count(*),"
                + " count(*) filter (where score is not null), count(*) filter (where status = 'keep'),"
                + " count(*) filter (where status = 'crash'), count(*) filter (where status in (" + FAILURES + ")),"
                + " count(*) filter (where recorded_at is null), min(score), max(score)"
                + " from trial where campaign_id = ? and kind = '" + Trial.KIND_PROPOSAL + "'"
                + " group by specialist order by specialist", List.of(campaign.id), rs -> {
                    Map<String, Counts> out = new LinkedHashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), BrowseQueries.nullableDouble(rs, 8),
                                BrowseQueries.nullableDouble(rs, 9)));
                    }
                    return out;
                });
        Direction direction = directionOf(direction(campaign.id));
        boolean higher = direction == Direction.higher;
        Map<String, Double> gains = new HashMap<>();
        Double best = null;
        for (Keep keep : keeps(campaign.id)) {
            if (best != null && !Trial.KIND_ROOT.equals(keep.kind())) {
                gains.merge(keep.specialist(), direction.improvement(keep.score(), best), Double::sum);
            }
            best = keep.score();
        }
        List<SpecialistStats> out = new ArrayList<>();
        counts.forEach((specialist, c) -> {
            double gain = gains.getOrDefault(specialist, 0.0);
            out.add(new SpecialistStats(specialist, c.trials(), c.scored(), c.keeps(),
                    c.scored() == 0 ? null : (double) c.keeps() / c.scored(), gain,
                    c.scored() == 0 ? null : gain / c.scored(), c.crashes(), c.failures(), c.inFlight(),
                    higher ? c.max() : c.min()));
        });
        return out;
    }

    private record Keep(String trialId, String kind, String specialist, double score, long atMs) {
    }

    /** The campaign's keeps in recording order: the steps of its best-so-far line. */
    private List<Keep> keeps(String campaign) {
        return queries.query("select id, kind, specialist, score, recorded_at from trial where campaign_id = ?"
                + " and status = 'keep' and score is not null and " + COMPETING
                + " order by recorded_at, length(id), id", List.of(campaign), rs -> {
                    List<Keep> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new Keep(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                                millis(rs.getTimestamp(5))));
                    }
                    return out;
                });
    }

    /**
     * The campaign's search progress, reduced in PostgreSQL: the trials are numbered in recording order by a window
     * function, which also carries the best score after each, and only the keeps and, per equal stretch of the trial
     * index, the lowest and highest score of the other scored trials come back (at most {@code maxPoints} rows), so
     * 100,000 trials are not carried into Java. When the keeps alone would take more than half of {@code maxPoints},
     * each stretch keeps its first and last keep only: the line is then exact at every stretch's end.
     */
    BestSoFar bestSoFar(Campaign campaign, int maxPoints) {
        String direction = direction(campaign.id);
        record Counts(long recorded, long scored, long keeps, Long firstAtMs, Long lastAtMs) {
        }
        Counts counts = queries.query("select count(*), count(score), count(score) filter (where status = 'keep'),"
                + " min(recorded_at), max(recorded_at) from trial where campaign_id = ? and " + COMPETING
                + " and recorded_at is not null", List.of(campaign.id), rs -> {
                    rs.next();
                    return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                            nullableMillis(rs.getTimestamp(4)), nullableMillis(rs.getTimestamp(5)));
                });
        boolean thinned = counts.scored() > maxPoints;
        boolean keepsThinned = thinned && counts.keeps() > maxPoints / 2;
        // every keep (or each stretch's first and last), then the trials in equal stretches of the trial index: each
        // stretch's lowest and highest score among the other scored trials, so an outlier stays visible however many
        // trials there are. One sort (the numbering) and one hash aggregate; unthinned, each stretch is one trial
        long stretches = !thinned ? Math.max(1, counts.recorded())
                : keepsThinned ? Math.max(1, maxPoints / 4) : Math.max(1, (maxPoints - counts.keeps()) / 2);
        String running = directionOf(direction) == Direction.higher ? "max" : "min";
        List<BestSoFar.Step> keeps = new ArrayList<>();
        List<BestSoFar.Point> points = new ArrayList<>();
        queries.query("with numbered as materialized (select id, specialist, score, status = 'keep' as keep,"
                + " recorded_at, test_score, row_number() over w as idx,"
                + " " + running + "(score) filter (where status = 'keep') over w as best"
                + " from trial where campaign_id = ? and " + COMPETING + " and recorded_at is not null"
                + " window w as (order by recorded_at, length(id), id)),"
                + " picked as (select (min(array[score, idx]) filter (where not keep))[2] as low,"
                + " (max(array[score, -idx]) filter (where not keep))[2] as high,"
                + " min(idx) filter (where keep) as first_keep, max(idx) filter (where keep) as last_keep"
                + " from numbered where score is not null group by (idx - 1) * ? / ?)"
                + " select id, specialist, score, keep, recorded_at, test_score, idx, best from numbered"
                + " where score is not null and ((keep and ?) or idx in (select low from picked"
                + " union select -high from picked union select first_keep from picked union select last_keep"
                + " from picked)) order by idx",
                List.of(campaign.id, stretches, Math.max(1, counts.recorded()), !keepsThinned), rs -> {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        double score = rs.getDouble(3);
                        boolean keep = rs.getBoolean(4);
                        long atMs = millis(rs.getTimestamp(5));
                        long index = rs.getLong(7);
                        if (keep) {
                            keeps.add(new BestSoFar.Step(index, atMs, id, score, BrowseQueries.nullableDouble(rs, 6),
                                    rs.getString(2)));
                        }
                        points.add(new BestSoFar.Point(index, atMs, id, score, BrowseQueries.nullableDouble(rs, 8),
                                keep));
                    }
                    return null;
                });
        KeepRule.NoiseFloor noise = QuarkusTransaction.requiringNew().call(() ->
                noiseFloors.noiseFloor(campaigns.findById(campaign.id)));
        Double baseline = queries.query("select score from trial where id = ?", List.of(campaign.rootTrialId),
                rs -> rs.next() ? BrowseQueries.nullableDouble(rs, 1) : null);
        return new BestSoFar(campaign.id, direction, baseline,
                noise == null ? null : new BestSoFar.NoiseFloor(noise.sigma(), noise.runs(), noise.mean(),
                        2 * noise.sigma()),
                counts.recorded(), counts.scored(), thinned, counts.keeps(), keepsThinned, keeps, points,
                counts.firstAtMs(), counts.lastAtMs());
    }

    /** Every campaign's summary, oldest first; {@code only} (when not null) narrows every query to that campaign. */
    List<CampaignSummary> summaries(String only) {
        List<Object> params = only == null ? List.of() : List.of(only);
        record Counts(long trials, long recorded, long keeps, long failures, long inFlight, long lastHour,
                      Long lastAtMs, Long firstAtMs, boolean imported) {
        }
        Map<String, Counts> counts = queries.query("select campaign_id,"
                + " count(*) filter (where " + COMPETING + "),"
                + " count(*) filter (where " + COMPETING + " and recorded_at is not null),"
                + " count(*) filter (where " + COMPETING + " and status = 'keep'),"
                + " count(*) filter (where " + COMPETING + " and status in (" + FAILURES + ")),"
                + " count(*) filter (where recorded_at is null),"
                + " count(*) filter (where " + COMPETING + " and recorded_at > now() - interval '1 hour'),"
                + " max(recorded_at), min(recorded_at),"
                + " bool_or(evaluator like 'imported:%')"
                + " from trial" + (only == null ? "" : " where campaign_id = ?") + " group by campaign_id", params, rs -> {
                    Map<String, Counts> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), nullableMillis(rs.getTimestamp(8)),
                                nullableMillis(rs.getTimestamp(9)), rs.getBoolean(10)));
                    }
                    return out;
                });
        Map<String, Long> workers = queries.query("select t.campaign_id, count(distinct a.worker) from trial_attempt a"
                + " join trial t on t.id = a.trial_id where a.ended_at is null and a.worker is not null"
                + " and a.lease_expires_at > now()" + (only == null ? "" : " and t.campaign_id = ?")
                + " group by t.campaign_id", params, rs -> {
                    Map<String, Long> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                    return out;
                });
        Map<String, List<Double>> keeps = queries.query("select campaign_id, score from trial where status = 'keep'"
                + " and score is not null and " + COMPETING + (only == null ? "" : " and campaign_id = ?")
                + " order by campaign_id, recorded_at, length(id), id", params, rs -> {
                    Map<String, List<Double>> out = new HashMap<>();
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getDouble(2));
                    }
                    return out;
                });
        Map<String, String> directions = queries.query("select campaign_id, max(direction) from trial"
                + " where direction is not null" + (only == null ? "" : " and campaign_id = ?")
                + " group by campaign_id", params, rs -> {
                    Map<String, String> out = new HashMap<>();
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                    return out;
                });
        List<Campaign> all = QuarkusTransaction.requiringNew().call(() -> only == null ? campaigns.listAll(
                io.quarkus.panache.common.Sort.ascending("createdAt").and("id"))
                : campaigns.findByIdOptional(only).map(List::of).orElse(List.of()));
        List<CampaignSummary> out = new ArrayList<>();
        Counts none = new Counts(0, 0, 0, 0, 0, 0, null, null, false);
        for (Campaign c : all) {
            Counts n = counts.getOrDefault(c.id, none);
            Double perHour = null;
            if (n.firstAtMs() != null && n.lastAtMs() != null && n.lastAtMs() > n.firstAtMs()) {
                perHour = n.recorded() / ((n.lastAtMs() - n.firstAtMs()) / 3_600_000.0);
            }
            out.add(new CampaignSummary(c.id, c.task, c.rootTrialId, c.bestTrialId, c.bestScore,
                    directions.get(c.id), n.trials(), n.recorded(), n.keeps(), n.failures(), n.inFlight(),
                    workers.getOrDefault(c.id, 0L), n.lastHour(), perHour, c.createdAt == null ? null
                    : c.createdAt.toEpochMilli(), n.lastAtMs(), n.imported(),
                    lastOf(keeps.getOrDefault(c.id, List.of()), SPARKLINE_POINTS)));
        }
        return out;
    }

    private static List<Double> lastOf(List<Double> values, int n) {
        return values.size() <= n ? values : Collections.unmodifiableList(values.subList(values.size() - n,
                values.size()));
    }

    /** The direction of the campaign's scores ({@code lower} or {@code higher}), null before any is scored. */
    String direction(String campaign) {
        return queries.query("select direction from trial where campaign_id = ? and direction is not null limit 1",
                List.of(campaign), rs -> rs.next() ? rs.getString(1) : null);
    }

    /** The stored direction's enum; lower (the default of the built-in tasks) when none is stored yet. */
    static Direction directionOf(String stored) {
        return Arrays.stream(Direction.values()).filter(d -> d.name().equalsIgnoreCase(stored)).findFirst()
                .orElse(Direction.lower);
    }

    private static long millis(Timestamp t) {
        return t == null ? 0 : t.getTime();
    }

    private static Long nullableMillis(Timestamp t) {
        return t == null ? null : t.getTime();
    }
}
