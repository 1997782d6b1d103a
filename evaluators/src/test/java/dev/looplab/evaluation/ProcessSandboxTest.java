package dev.looplab.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ProcessSandboxTest {

    @Test
    void aSandboxPrefixIsItsCommandLineWithoutTheCommand() {
        // given a sandbox that puts the command last, as bubblewrap does
        ProcessSandbox sandbox = (command, workDir, readOnly, writable) -> {
            List<String> argv = new ArrayList<>(List.of("bwrap", "--chdir", workDir.toString()));
            readOnly.forEach(p -> argv.addAll(List.of("--ro-bind", p.toString(), p.toString())));
            argv.add("--");
            argv.addAll(command);
            return argv;
        };

        // then its prefix confines whatever follows it in the same way
        assertThat(sandbox.prefix(Path.of("/r"), List.of(Path.of("/a")), List.of()))
                .containsExactly("bwrap", "--chdir", "/r", "--ro-bind", "/a", "/a", "--");
        assertThat(ProcessSandbox.NONE.prefix(Path.of("/r"), List.of(), List.of())).isEmpty();
    }

    @Test
    void aSandboxThatDoesNotPutTheCommandLastHasNoPrefix() {
        ProcessSandbox odd = (command, workDir, readOnly, writable) -> {
            List<String> argv = new ArrayList<>(command);
            argv.add("--after");
            return argv;
        };
        assertThatThrownBy(() -> odd.prefix(Path.of("/r"), List.of(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot confine");
    }
}
