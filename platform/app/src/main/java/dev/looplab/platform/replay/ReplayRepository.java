package dev.looplab.platform.replay;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ReplayRepository implements PanacheRepositoryBase<Replay, String> {

    public List<Replay> listForOriginal(String originalTrialId) {
        return list("originalTrialId", Sort.descending("createdAt"), originalTrialId);
    }
}
