package dev.looplab.worker.sandbox;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecipeRuntimeTest {

    @Test
    void aPythonTaskCommandRunsOnTheWorkersInterpreter() {
        Path python = Path.of("/opt/venv/bin/python3");
        assertThat(RecipeRuntime.processCommand(List.of("python3", "train_gpt.py"), python))
                .containsExactly("/opt/venv/bin/python3", "train_gpt.py");
        assertThat(RecipeRuntime.processCommand(List.of("python", "train.py"), python))
                .containsExactly("/opt/venv/bin/python3", "train.py");
        // any other command runs as written
        assertThat(RecipeRuntime.processCommand(List.of("sh", "run.sh"), python)).containsExactly("sh", "run.sh");
        assertThat(RecipeRuntime.processCommand(List.of("true"), python)).containsExactly("true");
    }

    @Test
    void anInterpreterOutsideUsrBringsItsFolderIntoTheSandbox() {
        assertThat(RecipeRuntime.interpreterPaths(Path.of("/opt/venv/bin/python3"))).containsExactly(Path.of("/opt/venv"));
        assertThat(RecipeRuntime.interpreterPaths(Path.of("/usr/bin/python3"))).isEmpty();
    }
}
