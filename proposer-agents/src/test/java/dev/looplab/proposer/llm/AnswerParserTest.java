package dev.looplab.proposer.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnswerParserTest {
    static final String DIFF = """
            --- a/Recipe.java
            +++ b/Recipe.java
            @@ -72,1 +72,1 @@
            -    static final float LR = 1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]
            +    static final float LR = 1.3e-2f; // @knob surface=optimizer range=[1e-4,3e-2]
            """;

    @Test
    void readsTheThreePartsInTheAskedFormatAndCommonVariations() {
        ParsedAnswer a = AnswerParser.parse("HYPOTHESIS: raise LR a little\nEXPECTED_DELTA: -0.02\n```diff\n" + DIFF + "```\n");
        assertThat(a.hypothesis()).isEqualTo("raise LR a little");
        assertThat(a.expectedDelta()).isEqualTo(-0.02);
        assertThat(a.diff()).isEqualTo(DIFF);

        ParsedAnswer markdown = AnswerParser.parse("Sure.\n\n**Hypothesis**: LR up\n**Expected delta**: \u22121.5e-2\n\n" + DIFF);
        assertThat(markdown.hypothesis()).isEqualTo("LR up");
        assertThat(markdown.expectedDelta()).isEqualTo(-0.015);
        assertThat(markdown.diff()).startsWith("--- a/Recipe.java");
    }

    @Test
    void aMissingPartIsNamedWithTheFormat() {
        assertThatThrownBy(() -> AnswerParser.parse("EXPECTED_DELTA: -0.01\n```diff\n" + DIFF + "```"))
                .hasMessageContaining("no 'HYPOTHESIS:' line").hasMessageContaining("```diff block");
        assertThatThrownBy(() -> AnswerParser.parse("HYPOTHESIS: x\n```diff\n" + DIFF + "```"))
                .hasMessageContaining("no 'EXPECTED_DELTA: <number>' line");
        assertThatThrownBy(() -> AnswerParser.parse("HYPOTHESIS: x\nEXPECTED_DELTA: -0.01\nset LR to 1.3e-2"))
                .hasMessageContaining("no unified diff");
        assertThatThrownBy(() -> AnswerParser.parse("I'm sorry, but I can't help with modifying training code."))
                .hasMessageContaining("the model declined");
        assertThatThrownBy(() -> AnswerParser.parse("  ")).hasMessageContaining("empty");
    }
}
