package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real git CLI against a bare lineage repository, so tests see what users of plain git see. */
final class GitCli {

    private final Path gitDir;

    GitCli(Path gitDir) {
        this.gitDir = gitDir;
    }

    static boolean available() {
        try {
            return new ProcessBuilder("git", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** stdout of {@code git --git-dir=<repo> args...}; fails the test on a non-zero exit. */
    String run(String... args) {
        Result result = tryRun(args);
        assertThat(result.exit()).as("git %s failed: %s", String.join(" ", args), result.stderr()).isZero();
        return result.stdout();
    }

    Result tryRun(String... args) {
        assertThat(available()).as("the git CLI is on PATH (install Debian's git; .ci/run does)").isTrue();
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("HOME", gitDir.getParent().toString());
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            int exit = process.waitFor();
            return new Result(exit, new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    record Result(int exit, String stdout, String stderr) {
    }
}
