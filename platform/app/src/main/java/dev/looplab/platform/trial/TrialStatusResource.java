package dev.looplab.platform.trial;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.trial.TrialStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.List;

/** Every trial status and its group, so the browser and other tools take the list from {@link TrialStatus}. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/statuses")
@Produces(MediaType.APPLICATION_JSON)
public class TrialStatusResource {

    /**
     * One status: its name, and its group ({@code in_flight}, {@code keep}, {@code discard}, {@code scored} or
     * {@code failure}) for drawing.
     */
    public record StatusView(String name, String group, boolean finalStatus, boolean scored) {
        static StatusView of(TrialStatus s) {
            String group = s.isInFlight() ? "in_flight" : s.isFailure() ? "failure" : s.name();
            return new StatusView(s.name(), group, s.isFinal(), s.isScored());
        }
    }

    @GET
    public List<StatusView> statuses() {
        return Arrays.stream(TrialStatus.values()).map(StatusView::of).toList();
    }
}
