package dev.looplab.proposer.specialist;

import dev.looplab.events.OutcomeRecorded;
import java.util.Optional;

/**
 * A proposer agent that owns one surface of the recipe: given the campaign's best trial it
 * suggests one edit, and it learns from the outcomes the platform records.
 */
public interface Specialist {

    /** The name recorded on each trial ({@code Looplab-Specialist}). */
    String name();

    /** The surface this specialist may edit; the platform refuses edits outside it. */
    String surface();

    /** One edit of the parent trial, or empty when this specialist has nothing worth trying from it. */
    Optional<ProposedEdit> propose(SpecialistContext ctx);

    /** Called for every outcome of the campaign (all specialists), in topic order. */
    default void observe(OutcomeRecorded outcome) {
    }
}
