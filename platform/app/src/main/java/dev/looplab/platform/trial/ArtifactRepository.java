package dev.looplab.platform.trial;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads and writes {@link Artifact} rows. */
@ApplicationScoped
public class ArtifactRepository implements PanacheRepositoryBase<Artifact, Artifact.Key> {

    public List<Artifact> listForTrial(String trialId) {
        return list("trialId", trialId);
    }
}
