package dev.looplab.platform.artifact;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.platform.trial.Artifact;
import dev.looplab.platform.trial.ArtifactRepository;

import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/** A trial's stored files with presigned download links; a file's own path redirects to its link. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/trials/{id}/artifacts")
@Produces(MediaType.APPLICATION_JSON)
public class ArtifactResource {
    @Inject
    TrialRepository trials;
    @Inject
    ArtifactRepository artifacts;
    @Inject
    ArtifactLinks links;

    @GET
    public List<ArtifactDownload> list(@PathParam("id") String id) {
        List<Artifact> stored = QuarkusTransaction.requiringNew().call(() -> {
            trials.findByIdOptional(id).orElseThrow(() -> new NotFoundException("unknown trial '" + id + "'"));
            return artifacts.listForTrial(id);
        });
        return stored.stream().sorted(java.util.Comparator.comparing((Artifact a) -> a.name))
                .map(a -> new ArtifactDownload(a.name, a.sizeBytes, a.sha256, links.presignedGet(a.objectKey)))
                .toList();
    }

    /** 307 to a presigned GET link, so clients download the bytes from S3 directly. */
    @GET
    @Path("/{name: .+}")
    public Response download(@PathParam("id") String id, @PathParam("name") String name) {
        Artifact artifact = QuarkusTransaction.requiringNew().call(() -> artifacts.findByIdOptional(key(id, name))
                .orElseThrow(() -> new NotFoundException("trial " + id + " has no artifact '" + name
                        + "': GET /api/trials/" + id + "/artifacts lists its files")));
        return Response.temporaryRedirect(links.presignedGet(artifact.objectKey)).build();
    }

    private static Artifact.Key key(String trialId, String name) {
        Artifact.Key key = new Artifact.Key();
        key.trialId = trialId;
        key.name = name;
        return key;
    }

    /** One file of a trial: name, size, content hash and a link valid for a limited time. */
    public record ArtifactDownload(String name, long sizeBytes, String sha256, URI url) {
    }
}
