package dev.looplab.proposer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recipe texts for tests: an inline sample, and the real golf-mini recipe of the checkout. */
public final class RecipeFixtures {

    public static final String SAMPLE = """
            package recipe;

            /** A tiny looped LM. */
            public final class Recipe {
                static final float LR = 3e-3f; // @knob surface=optimizer range=[1e-4,3e-2]
                static final int LOOPS = 4;   // @knob surface=loop range=[1,12]
                static final String INJECTION = "diagonal"; // @knob surface=loop choices=[add,linear,diagonal]
                static final double WD = 0.1; //   @knob  surface=regularisation   range=[0.0,0.5]
                static final long STEPS = 1_000L; // @knob surface=schedule range=[100,100000]
                static final int HIDDEN = 128; // not a knob, no marker
                static final String NOTE = "a;b"; // @knob surface=data choices=[a;b,c]
                static final boolean TIED = true; // @knob surface=architecture range={true,false}
                // static final float FAKE = 1f; mentioned in a comment, not a declaration

                public static void main(String[] args) {
                    System.out.println("training with lr " + LR);
                }
            }
            """;

    private RecipeFixtures() {
    }

    /** recipes/golf-mini/Recipe.java of this checkout (tests run from proposer-agents/); a missing one fails. */
    public static String golfMini() {
        Path path = Path.of("..", "recipes", "golf-mini", "Recipe.java").toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(path + " is missing: run the tests from a full checkout of Looplab");
        }
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
