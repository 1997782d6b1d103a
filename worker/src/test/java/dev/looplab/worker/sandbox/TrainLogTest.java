package dev.looplab.worker.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TrainLogTest {

    @TempDir
    Path dir;

    @Test
    void summaryKeepsCompilerErrorsAndTheirSourceLine() throws Exception {
        // given the log of a recipe that does not compile
        Path log = dir.resolve("train.log");
        Files.writeString(log, """
                Recipe.java:12: error: cannot find symbol
                    int x = undefinedThing;
                            ^
                  symbol:   variable undefinedThing
                1 error
                error: compilation failed
                """);

        // when it is summarised
        String summary = TrainLog.summary(log);

        // then the error and the offending line are in it
        assertThat(summary).contains("Recipe.java:12: error: cannot find symbol")
                .contains("int x = undefinedThing;")
                .contains("error: compilation failed");
    }

    @Test
    void summaryOfALogWithoutErrorsIsItsTail() throws Exception {
        Path log = dir.resolve("train.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            text.append("step ").append(i).append('\n');
        }
        Files.writeString(log, text);

        String summary = TrainLog.summary(log);

        assertThat(summary).startsWith("step 21").endsWith("step 30").doesNotContain("step 20");
    }

    @Test
    void summaryOfAMissingLogIsEmpty() {
        assertThat(TrainLog.summary(dir.resolve("nope.log"))).isEmpty();
    }
}
