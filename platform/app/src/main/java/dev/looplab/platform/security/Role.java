package dev.looplab.platform.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do. Each role implies {@link #VIEWER}, and {@link #ADMIN} implies every role, so an endpoint
 * names the least role it needs ({@code @RolesAllowed(Role.Names.AGENT)}) and a caller holds every role its own
 * implies.
 */
public enum Role {
    /** The UI, the read REST API and git clones of the lineage. */
    VIEWER,
    /** Submits proposals and writes a campaign's knowledge; reads. */
    AGENT,
    /** Claims, renews and hands back attempts; fetches commits; reads. */
    WORKER,
    /** Campaigns, imports, replays and tokens; implies every other role. */
    ADMIN;

    /** The role names as compile-time constants, for {@code @RolesAllowed}. */
    public static final class Names {
        public static final String VIEWER = "viewer";
        public static final String AGENT = "agent";
        public static final String WORKER = "worker";
        public static final String ADMIN = "admin";

        private Names() {
        }
    }

    /** The name stored and typed ({@code viewer}, {@code agent}, {@code worker}, {@code admin}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role names a holder of this role has. */
    public Set<String> implied() {
        return switch (this) {
            case VIEWER -> Set.of(Names.VIEWER);
            case AGENT -> Set.of(Names.AGENT, Names.VIEWER);
            case WORKER -> Set.of(Names.WORKER, Names.VIEWER);
            case ADMIN -> Set.of(Names.ADMIN, Names.WORKER, Names.AGENT, Names.VIEWER);
        };
    }

    /** The role named {@code id}; the message lists the roles when it names none. */
    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equals(id == null ? "" : id.strip().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("role '" + id + "' is unknown: give one of "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }
}
