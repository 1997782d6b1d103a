package dev.looplab.proposer.campaign;

/** Test access to the services {@link ProposerServices} started, from other packages. */
public final class ProposerServicesAccess {
    private ProposerServicesAccess() {
    }

    public static String bootstrap() {
        return ProposerServices.kafka.bootstrapServers();
    }
}
