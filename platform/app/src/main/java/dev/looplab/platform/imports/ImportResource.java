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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;
import java.util.function.Function;

/**
 * {@code POST /api/imports}: builds a lineage from another tool's history and answers with the import report
 * (JSON, or the lines {@code looplab import} prints for {@code Accept: text/plain}); 422 names a bad input.
 */
@RolesAllowed(Role.Names.ADMIN)
@Path("/api/imports")
@Consumes(MediaType.APPLICATION_JSON)
public class ImportResource {
    @Inject
    ImportService imports;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response run(ImportRequest request) {
        return answer(request, report -> report);
    }

    @POST
    @Produces(MediaType.TEXT_PLAIN)
    public Response runForPeople(ImportRequest request) {
        return answer(request, ImportReport::summary);
    }

    private Response answer(ImportRequest request, Function<ImportReport, Object> body) {
        try {
            return Response.ok(body.apply(imports.importHistory(request))).build();
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
