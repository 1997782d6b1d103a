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
import java.io.InputStream;
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
    @Inject
    ImportConfig config;
    @Inject
    dev.looplab.platform.config.LooplabConfig looplab;

    /**
     * Imports the folder the request names under the configured import root ({@value ImportConfig#ROOT_SETTING}).
     *
     * @throws ImportException naming the input and the fix, for a bad format, path, name or a lineage holding another history
     * @throws ImportRefusedException when no import root is configured or the path is outside it
     */
    public ImportReport importHistory(ImportRequest request) {
        if (request == null) {
            throw new ImportException("the import request is empty; send {\"format\": \"arr|autoresearch\","
                    + " \"path\": \"folder under " + ImportConfig.ROOT_SETTING + "\", \"lineage\": \"name\"},"
                    + " or upload the folder as a zip");
        }
        ImportFormat.parse(request.format());
        if (request.path() == null || request.path().isBlank()) {
            throw new ImportException("path is missing; pass the source folder under " + ImportConfig.ROOT_SETTING
                    + ", or upload the folder as a zip (looplab import does)");
        }
        Path source = underRoot(request.path());
        return run(request, source, source.toString());
    }

    /**
     * Imports an uploaded zip of the source folder; the zip is unpacked into a private temporary folder that is
     * removed afterwards. {@code request.path()} is only the client's name for the source (for re-imports).
     *
     * @throws ImportException for a zip that is not one, escapes its folder, or is too big
     */
    public ImportReport importUpload(ImportRequest request, InputStream zip) {
        if (request == null || request.format() == null) {
            throw new ImportException("the upload names no format; pass ?format=arr|autoresearch&lineage=NAME");
        }
        ImportFormat.parse(request.format());
        requireName("lineage", request.lineage());
        Path folder;
        try {
            Path uploads = Files.createDirectories(looplab.home().resolve("import-uploads"));
            folder = Files.createTempDirectory(uploads, "upload-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a folder for the upload: " + e.getMessage(), e);
        }
        try {
            Path source = Uploads.unzip(zip, folder, config.maxUploadBytes());
            String name = request.path() != null && !request.path().isBlank() ? request.path()
                    : "upload of " + request.lineage();
            return run(request, source, name);
        } finally {
            deleteQuietly(folder);
        }
    }

    private Path underRoot(String path) {
        Path root = config.root().orElseThrow(() -> new ImportRefusedException("imports by server path are off:"
                + " the platform reads no folder of its machine unless " + ImportConfig.ROOT_SETTING + " (env"
                + " LOOPLAB_IMPORTS_ROOT) names the folder imports may come from; upload the folder instead"
                + " (looplab import packs and sends it)"));
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new ImportRefusedException(ImportConfig.ROOT_SETTING + " is " + root + ", which is not a folder"
                    + " here; point it at an existing folder");
        }
        Path asked = Path.of(path);
        Path resolved = (asked.isAbsolute() ? asked : realRoot.resolve(asked)).normalize();
        Path real;
        try {
            // links are followed before the check, so none leads out of the root
            real = resolved.toRealPath();
        } catch (IOException e) {
            if (!resolved.startsWith(realRoot)) {
                throw outside(path, realRoot);
            }
            throw new ImportException("import source " + path + " is not a folder on this machine (under "
                    + ImportConfig.ROOT_SETTING + " " + realRoot + "); pass a folder that exists there");
        }
        if (!real.startsWith(realRoot)) {
            throw outside(path, realRoot);
        }
        return real;
    }

    private static ImportRefusedException outside(String path, Path root) {
        return new ImportRefusedException("path " + path + " is outside the import root " + root + " ("
                + ImportConfig.ROOT_SETTING + "); copy the folder under it, or upload it (looplab import does)");
    }

    private synchronized ImportReport run(ImportRequest request, Path source, String sourceName) {
        ImportFormat format = ImportFormat.parse(request.format());
        String name = requireName("lineage", request.lineage());
        String campaignId = request.campaign() == null || request.campaign().isBlank() ? name
                : requireName("campaign", request.campaign());
        requireNotATask(name);
        requireCampaignOf(campaignId, name);

        Path repository = lineage.repositoryPath(name);
        boolean existed = Files.isDirectory(repository);
        ImportReport report;
        try (LineageStore store = LineageStore.open(repository)) {
            report = HistoryImporter.importInto(store, format, source, campaignId, request.options(sourceName));
        } catch (RuntimeException e) {
            if (!existed) {
                deleteQuietly(repository);
            }
            throw e;
        }
        QuarkusTransaction.requiringNew().run(() -> writeRows(report, name));
        LOG.infof("imported %d trials of %s %s into lineage %s (%d rows recovered, %d skipped)",
                report.trials().size(), format, sourceName, name, report.recovered().size(), report.skipped().size());
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
