package dev.looplab.platform.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.Comparator;

/** Who the caller is to the platform: the browser shows it and offers to sign in when it may not act. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.Names.VIEWER)
@Tag(name = "tokens")
public class CallerResource {

    /**
     * The caller: {@code name} is the token's name ({@code local} for a request without a token from this machine),
     * {@code role} the highest role it holds, {@code token} whether it sent one.
     */
    public record Caller(String name, String role, boolean token) {
    }

    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "The caller's name and role (a request without a token from this machine is 'local')")
    public Caller me() {
        Role highest = Arrays.stream(Role.values()).filter(r -> identity.hasRole(r.id()))
                .max(Comparator.comparingInt(r -> r.implied().size())).orElse(Role.VIEWER);
        String name = identity.getPrincipal().getName();
        return new Caller(name, highest.id(), !TokenAuthMechanism.WITHOUT_TOKEN.contains(name));
    }
}
