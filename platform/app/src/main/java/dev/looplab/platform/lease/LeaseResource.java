package dev.looplab.platform.lease;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.rest.Params;

import dev.looplab.events.LeaseClaim;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * Workers claim an attempt before running it (200 with the lease, 409 with the reason to skip it)
 * and hand it back when they stop (200 with the next attempt, queued at once).
 */
@RolesAllowed(Role.Names.WORKER)
@Path("/api/trials/{id}/attempts/{attempt}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LeaseResource {

    @Inject
    LeaseService leases;

    @POST
    @Path("/claim")
    public Response claim(@PathParam("id") String id, @PathParam("attempt") String attempt, LeaseClaim claim) {
        return respond(leases.claim(id, attemptNumber(attempt), claim == null ? null : claim.worker()));
    }

    /** Renews the lease directly, so a platform that reads its Kafka topics late never loses a live worker. */
    @POST
    @Path("/heartbeat")
    public Response heartbeat(@PathParam("id") String id, @PathParam("attempt") String attempt, LeaseClaim claim) {
        return respond(leases.heartbeat(id, attemptNumber(attempt), claim == null ? null : claim.worker(),
                claim != null && LeaseClaim.REPORTED.equals(claim.message())));
    }

    @POST
    @Path("/handback")
    public Response handBack(@PathParam("id") String id, @PathParam("attempt") String attemptText,
                             LeaseClaim claim) {
        int attempt = attemptNumber(attemptText);
        if (claim == null || claim.worker() == null || claim.worker().isBlank()) {
            return respond(new LeaseService.Refused("worker is empty: send {\"worker\": \"<worker id>\"}"));
        }
        return respond(leases.handBack(id, attempt, claim.worker(), claim.message()));
    }

    private static int attemptNumber(String text) {
        return Params.wholeNumber("attempt", text, 1, Integer.MAX_VALUE, null);
    }

    private static Response respond(LeaseService.Answer answer) {
        if (answer instanceof LeaseService.Granted g) {
            return Response.ok(g.grant()).build();
        }
        if (answer instanceof LeaseService.UnknownTrial u) {
            return Response.status(404).entity(Map.of("reason", "unknown trial '" + u.trialId() + "'")).build();
        }
        return Response.status(409).entity(Map.of("reason", ((LeaseService.Refused) answer).reason())).build();
    }
}
