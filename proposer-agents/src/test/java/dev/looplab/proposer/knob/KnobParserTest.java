package dev.looplab.proposer.knob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.proposer.RecipeFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnobParserTest {

    static final String SAMPLE = RecipeFixtures.SAMPLE;

    @Test
    void findsEveryMarkedKnobWithItsTypeValueSurfaceAndBounds() {
        // given a recipe with marked and unmarked constants
        // when it is parsed
        List<Knob> knobs = KnobParser.parse(SAMPLE);

        // then only the marked constants are knobs, in source order, with their markers read
        assertThat(knobs).extracting(Knob::name).containsExactly("LR", "LOOPS", "INJECTION", "WD", "STEPS", "NOTE", "TIED");
        Knob lr = knobs.get(0);
        assertThat(lr.type()).isEqualTo(KnobType.FLOAT);
        assertThat(lr.literal()).isEqualTo("3e-3f");
        assertThat(lr.numericValue()).isEqualTo(3e-3);
        assertThat(lr.surface()).isEqualTo("optimizer");
        assertThat(lr.range()).contains(new Knob.Range(1e-4, 3e-2));
        assertThat(lr.line()).isEqualTo(5);

        Knob injection = knobs.get(2);
        assertThat(injection.type()).isEqualTo(KnobType.STRING);
        assertThat(injection.textValue()).isEqualTo("diagonal");
        assertThat(injection.choices()).containsExactly("add", "linear", "diagonal");
        assertThat(injection.range()).isEmpty();

        assertThat(knobs.get(3).surface()).isEqualTo("regularisation");
        assertThat(knobs.get(4).numericValue()).isEqualTo(1000);
        assertThat(knobs.get(5).textValue()).isEqualTo("a;b");
        Knob tied = knobs.get(6);
        assertThat(tied.type()).isEqualTo(KnobType.BOOLEAN);
        assertThat(tied.choices()).containsExactly("true", "false");
        assertThat(tied.range()).isEmpty();
    }

    @Test
    void rewritesOneKnobAndKeepsEveryOtherCharacter() {
        // given the sample recipe
        // when LR is rewritten
        String edited = KnobParser.rewrite(SAMPLE, "LR", "4.2e-3f");

        // then only the literal changed: padding, comment and other lines are byte-identical
        assertThat(edited).isEqualTo(SAMPLE.replace("LR = 3e-3f;", "LR = 4.2e-3f;"));
        assertThat(KnobParser.find(edited, "LR")).get().extracting(Knob::numericValue).isEqualTo(4.2e-3);
    }

    @Test
    void rewritesAStringKnobAndKeepsWindowsLineEndings() {
        // given a recipe with CRLF line endings
        String crlf = SAMPLE.replace("\n", "\r\n");

        // when a string knob is rewritten
        String edited = KnobParser.rewrite(crlf, "INJECTION", KnobType.STRING.literal("linear"));

        // then the new value is quoted and the line endings are untouched
        assertThat(edited).isEqualTo(crlf.replace("\"diagonal\";", "\"linear\";"));
        assertThat(KnobParser.find(edited, "INJECTION")).get().extracting(Knob::textValue).isEqualTo("linear");
    }

    @Test
    void rewritingAnUnknownKnobNamesTheKnobsThatExist() {
        assertThatThrownBy(() -> KnobParser.rewrite(SAMPLE, "MOMENTUM", "0.9f"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no knob named MOMENTUM")
                .hasMessageContaining("[LR, LOOPS, INJECTION, WD, STEPS, NOTE, TIED]");
    }

    @Test
    void aMalformedRangeIsReportedWithTheFix() {
        String bad = "    static final float LR = 3e-3f; // @knob surface=optimizer range=[fast]\n";
        assertThatThrownBy(() -> KnobParser.parse(bad))
                .hasMessageContaining("knob LR has range=[fast]")
                .hasMessageContaining("range=[1e-4,3e-2]");
    }

    @Test
    void numericLiteralsAreShortAndCompileForTheirType() {
        assertThat(KnobType.FLOAT.literal(0.0042)).isEqualTo("4.2e-3f");
        assertThat(KnobType.FLOAT.literal(0.003 * 1.4)).isEqualTo("4.2e-3f");
        assertThat(KnobType.DOUBLE.literal(0.05)).isEqualTo("5e-2");
        assertThat(KnobType.DOUBLE.literal(2.5)).isEqualTo("2.5");
        assertThat(KnobType.FLOAT.literal(0.95)).isEqualTo("0.95f");
        assertThat(KnobType.FLOAT.literal(256)).isEqualTo("256.0f");
        assertThat(KnobType.FLOAT.literal(0.95, Syntax.PYTHON)).isEqualTo("0.95");
        assertThat(KnobType.DOUBLE.literal(5e-4, Syntax.PYTHON)).isEqualTo("5e-4");
        assertThat(KnobType.BOOLEAN.literal("true", Syntax.PYTHON)).isEqualTo("True");
        assertThat(KnobType.LONG.literal(1000, Syntax.PYTHON)).isEqualTo("1000");
        assertThat(KnobType.INT.literal(5.6)).isEqualTo("6");
        assertThat(KnobType.LONG.literal(1000)).isEqualTo("1000L");
        assertThat(Knob.parseNumber(KnobType.FLOAT.literal(1.2345e-4))).isEqualTo(1.23e-4);
    }

    @Test
    void clampKeepsAValueInsideTheRange() {
        Knob lr = KnobParser.find(SAMPLE, "LR").orElseThrow();
        assertThat(lr.clamp(1.0)).isEqualTo(3e-2);
        assertThat(lr.clamp(1e-9)).isEqualTo(1e-4);
        assertThat(lr.clamp(5e-3)).isEqualTo(5e-3);
    }

    @Test
    void theRealGolfMiniRecipeHasAnOptimizerLearningRateInsideItsRange() {
        // given the checked-in golf-mini recipe
        String recipe = RecipeFixtures.golfMini();

        // when it is parsed
        List<Knob> knobs = KnobParser.parse(recipe);

        // then it has knobs, every numeric one sits inside its declared range, and LR can be rewritten
        assertThat(knobs).isNotEmpty();
        assertThat(knobs).filteredOn(k -> k.type().isNumeric() && k.range().isPresent())
                .allSatisfy(k -> assertThat(k.range().get().contains(k.numericValue())).as(k.name()).isTrue());
        assertThat(knobs).filteredOn(k -> !k.choices().isEmpty())
                .allSatisfy(k -> assertThat(k.choices()).as(k.name()).contains(k.textValue()));
        Knob lr = knobs.stream().filter(k -> k.name().equals("LR")).findFirst().orElseThrow();
        assertThat(lr.surface()).isEqualTo("optimizer");
        String edited = KnobParser.rewrite(recipe, "LR", lr.type().literal(lr.numericValue() * 2));
        assertThat(KnobParser.find(edited, "LR").orElseThrow().numericValue()).isEqualTo(lr.numericValue() * 2, org.assertj.core.data.Offset.offset(lr.numericValue() * 0.01));
        assertThat(edited.lines().count()).isEqualTo(recipe.lines().count());
    }

    @Test
    void pythonModuleConstantsAreKnobsWithTheirTypesAndRewriteInPythonSyntax() {
        // given Python knob lines in every form the GPU recipes use
        String py = """
                import torch

                MODEL_DIM = 512  # @knob surface=architecture range=[64,1024]
                TIE_EMBEDDINGS = True  # @knob surface=architecture range={True,False}
                ACTIVATION = "relu2"  # @knob surface=architecture range={relu2,leaky_relu2,gelu}
                MATRIX_LR = 0.04  # @knob surface=optimizer range=[0.005,0.1]
                WHITEN_EPS = 5e-4  # @knob surface=reg range=[1e-5,1e-1]
                PATCH = 2  # @knob surface=arch range={2,3}
                    INDENTED = 3  # @knob surface=optimizer range=[1,4]
                NOT_A_KNOB = 7  # a plain comment
                """;

        // when parsed
        List<Knob> knobs = KnobParser.parse(py);

        // then the module constants are knobs with Python types; indented lines and plain comments are not
        assertThat(knobs).extracting(Knob::name)
                .containsExactly("MODEL_DIM", "TIE_EMBEDDINGS", "ACTIVATION", "MATRIX_LR", "WHITEN_EPS", "PATCH");
        assertThat(knobs).extracting(Knob::type).containsExactly(KnobType.INT, KnobType.BOOLEAN, KnobType.STRING,
                KnobType.FLOAT, KnobType.FLOAT, KnobType.INT);
        assertThat(knobs).allSatisfy(k -> assertThat(k.syntax()).isEqualTo(Syntax.PYTHON));
        assertThat(knobs.get(1).choices()).containsExactly("True", "False");
        assertThat(knobs.get(3).range()).contains(new Knob.Range(0.005, 0.1));
        assertThat(knobs.get(3).surface()).isEqualTo("optimizer");

        // and a rewrite writes Python literals and keeps the rest of the line
        String edited = KnobParser.rewrite(py, "MATRIX_LR", knobs.get(3).literalOf(0.05));
        edited = KnobParser.rewrite(edited, "TIE_EMBEDDINGS", knobs.get(1).literalOfChoice("false"));
        assertThat(edited).contains("MATRIX_LR = 5e-2  # @knob surface=optimizer range=[0.005,0.1]")
                .contains("TIE_EMBEDDINGS = False  # @knob");
        assertThat(edited.lines().count()).isEqualTo(py.lines().count());
    }

    @Test
    void everyKnobOfThePythonRecipesIsReadInsideItsRangeAndRewrites() {
        for (String task : List.of("parameter-golf", "nanochat-d12", "airbench96")) {
            // given the checked-in recipe and its task's surfaces
            var recipe = dev.looplab.proposer.TaskFixtures.recipe(task);
            var surfaces = dev.looplab.proposer.TaskFixtures.task(task).surfaces();
            long tagged = recipe.text().lines().filter(l -> l.contains("# @knob")).count();

            // then every tagged line is a knob on a surface that lists it, with its value in range or choices
            assertThat(recipe.knobs()).as(task).hasSize((int) tagged);
            assertThat(recipe.knobs()).allSatisfy(k -> {
                assertThat(surfaces.get(k.surface())).as(task + " " + k.name()).contains(k.name());
                if (k.type().isNumeric() && k.range().isPresent()) {
                    assertThat(k.range().get().contains(k.numericValue())).as(k.name()).isTrue();
                }
                if (!k.choices().isEmpty()) {
                    assertThat(k.choices()).as(k.name()).contains(k.textValue());
                }
                // and each can be written back unchanged
                assertThat(KnobParser.rewrite(recipe.text(), k.name(), k.literal())).isEqualTo(recipe.text());
            });
        }
    }
}
