package dev.looplab.platform.browse;

import java.util.List;

/** Every file of a trial's recipe at its commit; a file over {@value TrialBrowseResource#MAX_TEXT_BYTES} bytes comes without its text. */
public record RecipeFiles(String trialId, String task, String commitId, List<File> files) {

    /** One file: its path in the recipe, its size in UTF-8 bytes, and its text (null when too large). */
    public record File(String path, long bytes, String text) {
    }
}
