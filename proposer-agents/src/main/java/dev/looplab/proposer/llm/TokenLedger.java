package dev.looplab.proposer.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Tokens (in plus out) each campaign's language-model calls have spent, kept in
 * {@code <home>/proposer/<campaign>.llm-tokens} so a restart does not reset the budget.
 */
public final class TokenLedger {
    private final Path dir;
    private final Map<String, Long> spent = new HashMap<>();

    public TokenLedger(Path dir) {
        this.dir = dir;
    }

    public synchronized long spent(String campaign) {
        return spent.computeIfAbsent(campaign, this::load);
    }

    /** Adds a call's tokens, on disk before it returns. */
    public synchronized void add(String campaign, long tokens) {
        long total = spent(campaign) + Math.max(0, tokens);
        spent.put(campaign, total);
        try {
            Files.createDirectories(dir);
            Path tmp = file(campaign).resolveSibling(campaign + ".llm-tokens.tmp");
            Files.writeString(tmp, Long.toString(total), StandardCharsets.UTF_8);
            Files.move(tmp, file(campaign), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record LLM tokens in " + file(campaign)
                    + "; check that looplab.home is writable", e);
        }
    }

    private long load(String campaign) {
        Path f = file(campaign);
        try {
            return Files.exists(f) ? Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private Path file(String campaign) {
        return dir.resolve(campaign + ".llm-tokens");
    }
}
