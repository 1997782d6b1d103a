package dev.looplab.evaluation.golf;

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
 * Judges parameter-golf with {@code looplab_eval.parameter_golf}: held-out val_bpb of the artifact's round trip
 * on the {@code fineweb_val_*.bin} shards of the configured data folder, with the bytes counted through the task's
 * tokenizer, under the task's {@code artifact_cap_bytes} on code plus compressed model; only the
 * {@code fineweb_train_*.bin} shards reach training.
 */
public final class ParameterGolfEvaluator extends PythonTaskEvaluator {
    public static final String TASK = "parameter-golf";
    public static final String NAME = "parameter-golf-bpb";
    static final String MODULE = "parameter_golf";

    private final Path data;
    private final Path tokenizer;
    private final long maxEvalTokens;

    /**
     * @param data          {@code looplab.tasks.parameter-golf.data}: the FineWeb shard folder
     * @param tokenizer     {@code looplab.tasks.parameter-golf.tokenizer}: the SentencePiece model (unset: the only
     *                      {@code *.model} file in the data folder)
     * @param maxEvalTokens {@code looplab.tasks.parameter-golf.max-eval-tokens}: score only the first N validation
     *                      tokens (unset: the whole split)
     */
    public ParameterGolfEvaluator(TaskDefinition task, PythonRuntime python, TaskDataSetting data,
                                  TaskDataSetting tokenizer, TaskDataSetting maxEvalTokens) {
        super(task, TASK, NAME, Direction.lower, MODULE, python);
        this.data = data.folder();
        this.tokenizer = tokenizer.fileOr(this.data, ".model");
        this.maxEvalTokens = maxEvalTokens.number(0);
    }

    /** What each setting must hold, for the messages that name a missing one. */
    public static TaskDataSetting dataSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "data", value, "the folder of FineWeb-format token shards, fineweb_train_*.bin "
                + "and fineweb_val_*.bin (the challenge's data/datasets/fineweb10B_sp1024)");
    }

    public static TaskDataSetting tokenizerSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "tokenizer", value, "the shards' SentencePiece model file (the challenge's "
                + "data/tokenizers/fineweb_1024_bpe.model), or leave it unset with exactly one *.model in the data folder");
    }

    public static TaskDataSetting maxEvalTokensSetting(Optional<String> value) {
        return new TaskDataSetting(TASK, "max-eval-tokens", value, "the number of validation tokens to score "
                + "(a prefix of the split), or leave it unset to score all of it");
    }

    /** The whole shard folder: its validation shards are what a trial is judged on. */
    @Override
    public List<Path> heldOutPaths() {
        return List.of(data);
    }

    @Override
    protected List<String> prepareArguments() {
        return List.of("--data", data.toString(), "--tokenizer", tokenizer.toString());
    }

    @Override
    protected List<String> scoreArguments() {
        List<String> args = new ArrayList<>(List.of("--val-dir", data.toString(), "--tokenizer", tokenizer.toString(),
                "--cap-bytes", Long.toString(definition().artifactCapBytes())));
        if (maxEvalTokens > 0) {
            args.addAll(List.of("--max-eval-tokens", Long.toString(maxEvalTokens)));
        }
        return args;
    }

    @Override
    protected List<Path> dataSources() {
        return List.of(data, tokenizer);
    }

    @Override
    protected String evalBudgetFix() {
        return "make the forward pass cheaper (fewer loops or layers, or a shorter SEQ_LEN)";
    }
}
