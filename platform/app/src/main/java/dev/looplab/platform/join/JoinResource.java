package dev.looplab.platform.join;

import dev.looplab.platform.rest.ErrorBody;
import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A worker or proposer on another host joins with only the platform's URL and its token: it asks here where Kafka
 * and S3 are and how its role logs into them (the answer holds secrets, so each role gets only its own).
 */
@Path("/api/join")
@Produces(MediaType.APPLICATION_JSON)
public class JoinResource {

    @Inject
    JoinService join;

    @GET
    @Path("/worker")
    @RolesAllowed(Role.Names.WORKER)
    public Response worker() {
        return respond(join.forWorker());
    }

    @GET
    @Path("/proposer")
    @RolesAllowed(Role.Names.AGENT)
    public Response proposer() {
        return respond(join.forProposer());
    }

    private static Response respond(JoinService.Answer answer) {
        if (answer instanceof JoinService.Answer.Granted granted) {
            // secrets: no cache between here and the joining app keeps a copy
            return Response.ok(granted.access()).header("Cache-Control", "no-store").build();
        }
        return ErrorBody.of(409, ((JoinService.Answer.Unavailable) answer).reason());
    }
}
