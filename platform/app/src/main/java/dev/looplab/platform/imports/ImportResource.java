package dev.looplab.platform.imports;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.lineage.TrialConflictException;
import dev.looplab.lineage.importer.ImportException;
import dev.looplab.lineage.importer.ImportReport;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code POST /api/imports}: builds a lineage from another tool's history and answers with the import report
 * (JSON, or the lines {@code looplab import} prints for {@code Accept: text/plain}). The history comes as an uploaded
 * zip of its folder ({@code Content-Type: application/zip}, options as query parameters), or as JSON naming a
 * folder under {@code looplab.imports.root}; never any other path of the platform's machine. 422 names a bad input,
 * 403 a path the configuration does not allow.
 */
@RolesAllowed(Role.Names.ADMIN)
@Path("/api/imports")
public class ImportResource {
    static final String ZIP = "application/zip";

    @Inject
    ImportService imports;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response run(ImportRequest request) {
        return answer(() -> imports.importHistory(request), report -> report);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    public Response runForPeople(ImportRequest request) {
        return answer(() -> imports.importHistory(request), ImportReport::summary);
    }

    @POST
    @Consumes({ZIP, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@QueryParam("format") String format, @QueryParam("lineage") String lineage,
            @QueryParam("campaign") String campaign, @QueryParam("branch") String branch,
            @QueryParam("score") String score, @QueryParam("direction") String direction,
            @QueryParam("gate") Double gate, @QueryParam("source") String source, InputStream zip) {
        return answer(() -> imports.importUpload(new ImportRequest(format, source, lineage, campaign, null, branch,
                score, direction, gate), zip), report -> report);
    }

    @POST
    @Consumes({ZIP, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.TEXT_PLAIN)
    public Response uploadForPeople(@QueryParam("format") String format, @QueryParam("lineage") String lineage,
            @QueryParam("campaign") String campaign, @QueryParam("branch") String branch,
            @QueryParam("score") String score, @QueryParam("direction") String direction,
            @QueryParam("gate") Double gate, @QueryParam("source") String source, InputStream zip) {
        return answer(() -> imports.importUpload(new ImportRequest(format, source, lineage, campaign, null, branch,
                score, direction, gate), zip), ImportReport::summary);
    }

    private Response answer(Supplier<ImportReport> work, Function<ImportReport, Object> body) {
        try {
            return Response.ok(body.apply(work.get())).build();
        } catch (ImportRefusedException e) {
            return error(403, e.getMessage());
        } catch (ImportException e) {
            return error(422, e.getMessage());
        } catch (TrialConflictException e) {
            return error(409, e.getMessage());
        }
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
