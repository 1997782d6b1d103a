package dev.looplab.platform.campaign;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Optional;

/** Reads and writes {@link Campaign} rows. */
@ApplicationScoped
public class CampaignRepository implements PanacheRepositoryBase<Campaign, String> {

    /** The campaign row locked for update, so two outcomes never race for the best. */
    public Optional<Campaign> findForUpdate(String id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
