package dev.looplab.proposer.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.looplab.diff.UnifiedDiff;
import dev.looplab.proposer.RecipeFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatchTest {
    static final String GOLF = RecipeFixtures.golfMini();

    @Test
    void aDiffOfTheContractModuleAppliesBackToTheSameText() {
        // given two edits far apart in the real golf-mini recipe
        String edited = GOLF.replace("static final float LR = 1e-2f;", "static final float LR = 1.4e-2f;")
                .replace("static final int ZLIB_LEVEL = 9;", "static final int ZLIB_LEVEL = 6;")
                .replace("public static void main(String[] args)", "public static void main(String... args)");
        String diff = UnifiedDiff.of("Recipe.java", GOLF, edited);

        // when parsed and applied
        Patch patch = Patch.parse(diff);

        // then it names the file and rebuilds the edited text exactly
        assertThat(patch.paths()).containsExactly("Recipe.java");
        assertThat(patch.applyTo(GOLF)).isEqualTo(edited);
        assertThat(patch.apply(Map.of("Recipe.java", GOLF))).containsEntry("Recipe.java", edited);
    }

    @Test
    void wrongLineNumbersAreForgivenWhenTheContextIsExact() {
        String diff = """
                --- a/Recipe.java
                +++ b/Recipe.java
                @@ -10,3 +10,3 @@
                     static final float BETA1 = 0.9f; // @knob surface=optimizer range=[0.5,0.99]
                -    static final float BETA2 = 0.95f; // @knob surface=optimizer range=[0.9,0.999]
                +    static final float BETA2 = 0.97f; // @knob surface=optimizer range=[0.9,0.999]
                     static final float GRAD_CLIP = 1.0f; // @knob surface=optimizer range=[0,10]
                """;

        assertThat(Patch.parse(diff).applyTo(GOLF)).isEqualTo(GOLF.replace("BETA2 = 0.95f;", "BETA2 = 0.97f;"));
    }

    @Test
    void contextThatIsNotInTheFileIsRefusedNamingTheHunk() {
        String diff = """
                --- a/Recipe.java
                +++ b/Recipe.java
                @@ -72,1 +72,1 @@
                -    static final float LR = 5e-3f; // @knob surface=optimizer range=[1e-4,3e-2]
                +    static final float LR = 6e-3f; // @knob surface=optimizer range=[1e-4,3e-2]
                """;

        assertThatThrownBy(() -> Patch.parse(diff).applyTo(GOLF)).isInstanceOf(PatchException.class)
                .hasMessageContaining("hunk 1 of Recipe.java does not apply").hasMessageContaining("LR = 5e-3f");
    }

    @Test
    void textThatIsNotAUnifiedDiffIsRefusedWithTheFormat() {
        assertThatThrownBy(() -> Patch.parse("set LR to 1.4e-2 please")).hasMessageContaining("no file in the diff");
        assertThatThrownBy(() -> Patch.parse("--- a/R\n+++ b/R\n@@ -1,2 +1,2 @@\n-a\n")).hasMessageContaining("cut short");
        assertThatThrownBy(() -> Patch.parse("--- a/R\n+++ b/R\n@@ bad @@\n")).hasMessageContaining("not a hunk header");
        assertThatThrownBy(() -> Patch.parse("--- a/R\nhello\n")).hasMessageContaining("'+++ b/<file>'");
        assertThatThrownBy(() -> Patch.parse("")).hasMessageContaining("empty");
    }

    @Test
    void anInsertionAndADeletionApply() {
        String text = "a\nb\nc\n";
        assertThat(Patch.parse(UnifiedDiff.of("f", text, "a\nb\nx\nc\n")).applyTo(text)).isEqualTo("a\nb\nx\nc\n");
        assertThat(Patch.parse(UnifiedDiff.of("f", text, "a\nc\n")).applyTo(text)).isEqualTo("a\nc\n");
        assertThat(Patch.parse(UnifiedDiff.of("f", text, "z\na\nb\nc\n")).applyTo(text)).isEqualTo("z\na\nb\nc\n");
    }
}
