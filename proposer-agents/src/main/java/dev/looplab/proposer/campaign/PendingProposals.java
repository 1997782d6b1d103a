package dev.looplab.proposer.campaign;

import dev.looplab.events.Json;
import dev.looplab.events.Proposal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proposals sent but not yet processed by the platform, kept in memory and in a small JSON-lines
 * file so that a restarted proposer waits for them (and can resend them) instead of proposing twice.
 */
public final class PendingProposals {

    /** A proposal and when it was last sent. */
    public record Pending(Proposal proposal, long sentAtMs) {
    }

    private final Path file;
    private final Map<String, Pending> byId = new LinkedHashMap<>();

    /** Loads the pending proposals of {@code file}, which need not exist yet. */
    public PendingProposals(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        Pending p = Json.read(line, Pending.class);
                        byId.put(p.proposal().proposalId(), p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read pending proposals from " + file
                        + "; delete the file if it is damaged (the platform dedupes resent proposals)", e);
            } catch (Json.MalformedEventException e) {
                throw new IllegalStateException("pending proposals file " + file + " is damaged (" + e.getMessage()
                        + "); delete it and restart (the platform dedupes resent proposals)", e);
            }
        }
    }

    public synchronized List<Pending> all() {
        return List.copyOf(byId.values());
    }

    public synchronized boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Records {@code proposal} as sent at {@code sentAtMs}, on disk before it returns. */
    public synchronized void add(Proposal proposal, long sentAtMs) {
        byId.put(proposal.proposalId(), new Pending(proposal, sentAtMs));
        save();
    }

    /** Forgets a proposal the platform has processed; true if it was pending. */
    public synchronized boolean remove(String proposalId) {
        if (byId.remove(proposalId) == null) {
            return false;
        }
        save();
        return true;
    }

    private void save() {
        List<String> lines = new ArrayList<>();
        byId.values().forEach(p -> lines.add(Json.write(p)));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pending proposals to " + file
                    + "; check that looplab.home is writable", e);
        }
    }
}
