package dev.looplab.platform.security;

import dev.looplab.platform.rest.ErrorBody;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** API tokens, admin only: create (the answer holds the secret, shown this once), list, revoke. */
@Path("/api/tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.Names.ADMIN)
public class TokenResource {

    /** {@code POST /api/tokens} body. */
    public record TokenRequest(String name, String role) {
    }

    @Inject
    TokenService tokens;

    @GET
    public List<TokenView> list() {
        return tokens.list();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(TokenRequest request) {
        if (request == null) {
            return ErrorBody.of(400, "the body is empty: send {\"name\": \"...\", \"role\": \"viewer|agent|worker|admin\"}");
        }
        TokenService.Creation creation = tokens.create(request.name(), request.role());
        if (creation instanceof TokenService.Creation.Refused refused) {
            return ErrorBody.of(refused.status(), refused.message());
        }
        return Response.status(201).entity(creation).build();
    }

    @DELETE
    @Path("/{name}")
    public TokenView revoke(@PathParam("name") String name) {
        return tokens.revoke(name).orElseThrow(() -> new NotFoundException("no token is named '" + name
                + "': looplab token list shows the names"));
    }
}
