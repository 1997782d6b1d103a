package dev.looplab.lineage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A small baseline recipe on disk, like the built-in tasks'. */
final class Recipes {

    static final String RECIPE = "Recipe.java";
    static final String CONFIG = "conf/train.yaml";

    private Recipes() {
    }

    static String recipeText() {
        return "public class Recipe {\n"
                + IntStream.rangeClosed(1, 30)
                        .mapToObj(i -> "    static final int KNOB_" + i + " = " + i + ";\n")
                        .collect(Collectors.joining())
                + "    public static void main(String[] args) {\n"
                + "        float lr = 0.001f;\n"
                + "        train(lr);\n"
                + "    }\n"
                + "}\n";
    }

    /** Writes the recipe plus a build output folder that must not be committed. */
    static Path write(Path dir) {
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("target/classes"));
            Files.writeString(dir.resolve(RECIPE), recipeText());
            Files.writeString(dir.resolve(CONFIG), "steps: 100\nbatch: 32\n");
            Files.writeString(dir.resolve("target/classes/Recipe.class"), "not source");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
