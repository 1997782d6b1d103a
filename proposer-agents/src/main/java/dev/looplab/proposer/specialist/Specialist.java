package dev.looplab.proposer.specialist;

import java.util.List;
import java.util.Optional;

/**
 * A proposer agent: given the campaign's best trial and its lineage, it suggests one edit on a surface it owns, or
 * none when it has nothing worth trying from there. Specialists keep no memory of their own: everything they learn
 * is read from the lineage each time, so a restarted proposer continues where it stopped.
 */
public interface Specialist {

    /** The name recorded on each trial ({@code Looplab-Specialist}). */
    String name();

    /** The surfaces it may edit (one for a surface specialist, every one for a generalist). */
    List<String> surfaces();

    /** One edit of the parent trial, or empty when this specialist has nothing worth trying from it. */
    Optional<ProposedEdit> propose(SpecialistContext ctx);
}
