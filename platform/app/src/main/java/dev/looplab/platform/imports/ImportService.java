package dev.looplab.platform.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.lineage.LineageStore;
import dev.looplab.lineage.importer.HistoryImporter;
import dev.looplab.lineage.importer.ImportException;
import dev.looplab.lineage.importer.ImportFormat;
import dev.looplab.lineage.importer.ImportReport;
import dev.looplab.lineage.importer.ImportedTrial;
import dev.looplab.platform.campaign.Campaign;
import dev.looplab.platform.campaign.CampaignRepository;
import dev.looplab.platform.lineage.LineageService;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.trial.Trial;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs an import into its own lineage and writes the Postgres rows: one campaign whose task is the lineage name, and
 * one recorded trial per imported experiment. Importing the same source again updates nothing but the rows' times.
 */
@ApplicationScoped
public class ImportService {
    private static final Logger LOG = Logger.getLogger(ImportService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // One path segment, like the git endpoint's repository names, and short enough for the campaign.task column.
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    @Inject
    LineageService lineage;
    @Inject
    TaskService tasks;
    @Inject
    CampaignRepository campaigns;
    @Inject
    TrialRepository trials;

    /**
     * Imports the source named by the request.
     *
     * @throws ImportException naming the input and the fix, for a bad format, path, name or a lineage holding another history
     */
    public synchronized ImportReport importHistory(ImportRequest request) {
        if (request == null) {
            throw new ImportException("the import request is empty; send {\"format\": \"arr|autoresearch\","
                    + " \"path\": \"/folder\", \"lineage\": \"name\"}");
        }
        ImportFormat format = ImportFormat.parse(request.format());
        if (request.path() == null || request.path().isBlank()) {
            throw new ImportException("path is missing; pass the source folder as an absolute path on the platform's machine");
        }
        Path source = Path.of(request.path());
        if (!source.isAbsolute()) {
            throw new ImportException("path '" + request.path() + "' is relative; pass it as an absolute path on the"
                    + " platform's machine (looplab import does that for you)");
        }
        String name = requireName("lineage", request.lineage());
        String campaignId = request.campaign() == null || request.campaign().isBlank() ? name
                : requireName("campaign", request.campaign());
        requireNotATask(name);
        requireCampaignOf(campaignId, name);

        Path repository = lineage.repositoryPath(name);
        boolean existed = Files.isDirectory(repository);
        ImportReport report;
        try (LineageStore store = LineageStore.open(repository)) {
            report = HistoryImporter.importInto(store, format, source, campaignId, request.tag());
        } catch (RuntimeException e) {
            if (!existed) {
                deleteQuietly(repository);
            }
            throw e;
        }
        QuarkusTransaction.requiringNew().run(() -> writeRows(report, name));
        LOG.infof("imported %d trials of %s %s into lineage %s (%d rows skipped)", report.trials().size(), format,
                source, name, report.skipped().size());
        return report;
    }

    private static String requireName(String what, String name) {
        if (name == null || !name.matches(NAME) || name.contains("..") || name.endsWith(".lock") || name.endsWith(".")) {
            throw new ImportException(what + " '" + name + "' is not a valid name; use 1-64 of [A-Za-z0-9._-],"
                    + " starting with a letter or digit");
        }
        return name;
    }

    private void requireNotATask(String name) {
        try {
            tasks.find(name);
        } catch (UnknownTaskException notATask) {
            return;
        }
        throw new ImportException("lineage '" + name + "' is the lineage of the built-in task " + name
                + "; imports go into a lineage of their own, so choose another name");
    }

    private void requireCampaignOf(String campaignId, String name) {
        Campaign existing = QuarkusTransaction.requiringNew().call(() -> campaigns.findById(campaignId));
        if (existing != null && !existing.task.equals(name)) {
            throw new ImportException("campaign '" + campaignId + "' already belongs to " + existing.task
                    + "; choose another campaign name for this import");
        }
    }

    private void writeRows(ImportReport report, String name) {
        Campaign campaign = campaigns.findById(report.campaign());
        if (campaign == null) {
            campaign = new Campaign();
            campaign.id = report.campaign();
            campaign.task = name;
            campaign.rootTrialId = report.rootTrialId();
            campaign.markImported();
            // the campaign row goes first: trials refer to it
            campaigns.persist(campaign);
            campaigns.flush();
        }
        campaign.bestTrialId = report.bestTrialId();
        campaign.bestScore = report.bestScore();
        // parents come before children in the report, and Hibernate inserts in persist order
        for (ImportedTrial imported : report.trials()) {
            Trial trial = trials.findById(imported.trialId());
            if (trial == null) {
                trial = new Trial();
                trial.id = imported.trialId();
                fill(trial, imported, report, name);
                trials.persist(trial);
            } else if (report.campaign().equals(trial.campaignId)) {
                fill(trial, imported, report, name);
            } else {
                throw new ImportException("trial id " + imported.trialId() + " already belongs to campaign "
                        + trial.campaignId + "; import under another campaign name");
            }
        }
        trials.flush();
    }

    private static void fill(Trial trial, ImportedTrial imported, ImportReport report, String name) {
        trial.campaignId = report.campaign();
        trial.task = name;
        trial.specialist = imported.specialist();
        trial.surface = imported.surface();
        trial.parentTrialId = imported.parentTrialId();
        trial.hypothesis = imported.hypothesis();
        trial.expectedDelta = imported.expectedDelta();
        trial.commitId = imported.commitId();
        trial.status = imported.status();
        trial.reason = imported.status().isScored() ? null : imported.feedback();
        trial.score = imported.score();
        trial.direction = imported.score() == null ? null : report.direction();
        trial.deltaVsParent = imported.deltaVsParent();
        trial.deltaVsBest = imported.deltaVsBest();
        trial.metricsJson = toJson(imported.metrics());
        trial.feedback = imported.feedback();
        trial.trainSeconds = imported.trainSeconds();
        trial.evaluator = "imported:" + report.format();
        trial.createdAt = imported.time();
        trial.recordedAt = imported.time();
        trial.updatedAt = Instant.now();
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // An import that failed before writing anything leaves no empty repository to be served.
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove the empty lineage %s: %s", dir, e.getMessage());
        }
    }
}
