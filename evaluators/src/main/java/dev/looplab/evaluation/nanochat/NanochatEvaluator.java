package dev.looplab.evaluation.nanochat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.looplab.evaluation.python.PythonRuntime;
import dev.looplab.evaluation.python.PythonTaskEvaluator;
import dev.looplab.evaluation.python.TaskDataSetting;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.trial.Direction;

/**
 * Judges nanochat-d12 with {@code looplab_eval.nanochat}: the CORE metric (mean centred accuracy over the DCLM
 * in-context tasks of the configured eval bundle), computed by the evaluator from the model's logits, higher is
 * better. Training gets the configured text tokenized by the task's tokenizer into token shards.
 */
public final class NanochatEvaluator extends PythonTaskEvaluator {
    public static final String TASK = "nanochat-d12";
    public static final String NAME = "nanochat-core";
    static final String MODULE = "nanochat";

    private final Path text;
    private final Path bundle;
    private final Path tokenizer;
    private final long maxPerTask;

    /**
     * @param text       {@code looplab.tasks.nanochat-d12.text}: the training text (parquet, jsonl or txt shards)
     * @param bundle     {@code looplab.tasks.nanochat-d12.bundle}: the CORE eval bundle (held out)
     * @param tokenizer  {@code looplab.tasks.nanochat-d12.tokenizer}: the SentencePiece model (unset: the only
     *                   {@code *.model} file in the text folder)
     * @param maxPerTask {@code looplab.tasks.nanochat-d12.max-per-task}: examples scored per CORE task (unset: all)
     */
    public NanochatEvaluator(TaskDefinition task, PythonRuntime python, TaskDataSetting text, TaskDataSetting bundle,
                             TaskDataSetting tokenizer, TaskDataSetting maxPerTask) {
        super(task, TASK, NAME, Direction.higher, MODULE, python);
        this.text = text.folder();
        this.bundle = bundle.folder();
        this.tokenizer = tokenizer.fileOr(this.text, ".model");
        this.maxPerTask = maxPerTask.number(-1);
    }

    public static TaskDataSetting textSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "text", value, "the folder of training text: *.parquet shards with a text "
                + "column (the last one is nanochat's validation shard and is left out), or *.jsonl / *.txt");
    }

    public static TaskDataSetting bundleSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "bundle", value, "the CORE eval bundle folder (core.yaml, "
                + "eval_meta_data.csv, eval_data/), as nanochat downloads it to eval_bundle/");
    }

    public static TaskDataSetting tokenizerSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "tokenizer", value, "the task's SentencePiece BPE model file, or leave it "
                + "unset with exactly one *.model in the text folder");
    }

    public static TaskDataSetting maxPerTaskSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "max-per-task", value, "the number of examples scored per CORE task, or "
                + "leave it unset to score them all");
    }

    /** The eval bundle, and the text folder whose last parquet shard is nanochat's validation shard. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(bundle, text);
    }

    @Override
    protected List<String> prepareArguments() {
        return List.of("--text", text.toString(), "--tokenizer", tokenizer.toString());
    }

    @Override
    protected List<String> scoreArguments() {
        List<String> args = new ArrayList<>(List.of("--bundle", bundle.toString(), "--tokenizer", tokenizer.toString()));
        if (maxPerTask > 0) {
            args.addAll(List.of("--max-per-task", Long.toString(maxPerTask)));
        }
        return args;
    }

    @Override
    protected List<Path> dataSources() {
        return List.of(text, tokenizer);
    }

    @Override
    protected String evalBudgetFix() {
        return "make the forward pass cheaper (fewer loops or layers)";
    }
}
