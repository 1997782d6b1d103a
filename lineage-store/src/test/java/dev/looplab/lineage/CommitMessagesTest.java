package dev.looplab.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitMessagesTest {

    @Test
    void aLongFirstLineIsWrappedWithoutLosingWords() {
        String hypothesis = "Sharing the attention weights across all eight loop iterations while keeping"
                + " per-iteration norms should recover most of the quality at a fraction of the size.\n"
                + "Second paragraph line.";

        String wrapped = CommitMessages.wrap(hypothesis);

        assertThat(wrapped.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(72));
        assertThat(wrapped.lines().skip(1).findFirst()).contains("");
        assertThat(wrapped.replaceAll("\\s+", " ")).isEqualTo(hypothesis.replaceAll("\\s+", " "));
    }

    @Test
    void trailersAndTextAreReadBackFromAComposedMessage() {
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("Looplab-Trial", "t9");
        trailers.put("Looplab-Parent", "t3");
        // A hypothesis whose own last line looks like a trailer must not leak into the trailer block.
        String message = CommitMessages.compose("Try warmup\n\nLooplab-Trial: forged", trailers);

        assertThat(CommitMessages.trailers(message)).containsExactly(
                Map.entry("Looplab-Trial", "t9"), Map.entry("Looplab-Parent", "t3"));
        assertThat(CommitMessages.text(message)).isEqualTo("Try warmup\n\nLooplab-Trial: forged");
    }
}
