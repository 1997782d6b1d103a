package dev.looplab.worker.run;

import dev.looplab.evaluation.python.LooplabEvalPackage;
import dev.looplab.evaluation.registry.EvaluatorSettings;
import dev.looplab.events.ArtifactRef;
import dev.looplab.events.RunRequest;
import dev.looplab.events.TrialEvent;
import dev.looplab.infra.LooplabServices;
import dev.looplab.runtime.djl.DjlRuntime;
import dev.looplab.trial.TrialStatus;
import dev.looplab.worker.artifact.ArtifactStore;
import dev.looplab.worker.sandbox.Bubblewrap;
import dev.looplab.worker.sandbox.RecipeRuntime;
import dev.looplab.worker.sandbox.SandboxLimits;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Python recipes through the worker's TrialRunner on CPU: a lineage commit of the real parameter-golf and airbench96
 * recipes (shrunk through their knobs), trained by Debian's python3 with torch inside bubblewrap, scored by their
 * Java evaluators with the recipe's model process in the same sandbox, artifacts to real S3, FINISHED to real Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonTrialTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();
    /** The recipe prints whether it can see the held-out data, in training and when its model is loaded for scoring. */
    private static final String PROBE = "print('PROBE held-out:', 'visible' if os.path.exists(%s) else 'hidden', "
            + "file=sys.stderr, flush=True)\n";

    private Path tmp;
    private Path home;
    private Path recipes;
    private Path golfData;
    private Path cifar;
    private ArtifactStore artifacts;
    private MinioClient s3;
    private String bucket;
    private TrialEventPublisher events;

    @BeforeAll
    void servicesDataAndRecipes() throws Exception {
        assumeThat(Files.isExecutable(Bubblewrap.DEFAULT_BINARY)).as("bubblewrap installed").isTrue();
        requireTorch();
        LooplabServices services = LooplabServices.sharedForTests();
        artifacts = ArtifactStore.connect(services.s3Endpoint(), services.endpoints().s3AccessKey(),
                services.endpoints().s3SecretKey(), "us-east-1", services.endpoints().bucket());
        artifacts.ensureBucket();
        bucket = services.endpoints().bucket();
        s3 = MinioClient.builder().endpoint(services.s3Endpoint()).credentials(services.endpoints().s3AccessKey(),
                services.endpoints().s3SecretKey()).region("us-east-1").build();
        events = new TrialEventPublisher(services.kafkaBootstrap(), "python-trial-test");
        tmp = Files.createTempDirectory("python-trial");
        home = tmp.resolve("home");
        LooplabEvalPackage pkg = LooplabEvalPackage.extract(home.resolve("evaluators").resolve("python"));
        golfData = tmp.resolve("fineweb");
        synthetic(pkg, "golf", golfData.toString(), "--vocab", "300", "--train-tokens", "40000", "--val-tokens", "2049");
        cifar = tmp.resolve("cifar");
        synthetic(pkg, "cifar", cifar.toString(), "--per-batch", "40", "--test", "60");
        recipes = tmp.resolve("recipes");
        copy(RECIPES.resolve("parameter-golf").resolve("task.yaml"), recipes.resolve("parameter-golf").resolve("task.yaml"));
        // airbench96 judged over 2 runs against a gate of 0.3 (the real task: 10 runs, 0.96)
        String airbench = Files.readString(RECIPES.resolve("airbench96").resolve("task.yaml"))
                .replaceFirst("(?m)^runs: \\d+$", "runs: 2").replaceFirst("(?m)^gate_accuracy: .*$", "gate_accuracy: 0.3");
        Files.createDirectories(recipes.resolve("airbench96"));
        Files.writeString(recipes.resolve("airbench96").resolve("task.yaml"), airbench);
    }

    @AfterAll
    void close() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aParameterGolfTrialTrainsInTheSandboxAndIsScoredOnTheHeldOutShards() throws Exception {
        // given a lineage commit of the parameter-golf recipe, shrunk, that probes for the validation shard
        String source = withKnobs(Files.readString(RECIPES.resolve("parameter-golf").resolve("train_gpt.py")), Map.ofEntries(
                Map.entry("MODEL_DIM", "32"), Map.entry("NUM_HEADS", "2"), Map.entry("NUM_KV_HEADS", "1"),
                Map.entry("PRELUDE_LAYERS", "1"), Map.entry("CORE_LAYERS", "1"), Map.entry("CODA_LAYERS", "1"),
                Map.entry("MEAN_LOOPS", "2"), Map.entry("BATCH_TOKENS", "256"), Map.entry("SEQ_LEN", "32"),
                Map.entry("GRAD_ACCUM", "2"), Map.entry("WARMUP_STEPS", "2")));
        source = probe(source, golfData.resolve("fineweb_val_000000.bin"));
        Lineage lineage = lineage("parameter-golf", "train_gpt.py", source);

        // when the worker runs it for 16 steps
        TrialEvent finished = runner(Map.of("parameter-golf.data", golfData.toString())).run(new RunRequest(
                RunRequest.SCHEMA, "t-golf-" + UUID.randomUUID(), 1, "c1", "parameter-golf", lineage.url(),
                lineage.commit(), 300, 7L, System.currentTimeMillis(), 16, 0));

        // then it is scored in bits per byte on the held-out shard, with code and model counted
        var m = finished.measurement();
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isBetween(0.0, 20.0);
        assertThat(m.metrics()).containsEntry("eval_tokens", 2048.0).containsEntry("causality_max_delta", 0.0);
        assertThat(m.evaluator()).isEqualTo("parameter-golf-bpb");
        assertThat(m.artifactBytes()).isEqualTo(source.getBytes(StandardCharsets.UTF_8).length + size(finished, "model.bin"));
        assertThat(finished.artifacts()).extracting(ArtifactRef::name)
                .contains("model.bin", "train.log", "score.log", "metrics.jsonl");
        // and neither training nor the model the evaluator loaded could see the held-out data
        String trainLog = artifact(finished, "train.log");
        assertThat(trainLog).contains("PROBE held-out: hidden").doesNotContain("PROBE held-out: visible");
        assertThat(artifact(finished, "score.log")).contains("[model] PROBE held-out: hidden")
                .doesNotContain("visible");
        // and the training folder holds the train shard and its meta only
        assertThat(names(home.resolve("data").resolve("parameter-golf").resolve("train")))
                .containsExactly("fineweb_train_000000.bin", "meta.json");
        // and the fingerprint names the interpreter, torch, the sandbox and no GPU
        Map<String, String> env = finished.environment();
        assertThat(env).containsEntry("runtime", "process").containsEntry("command", "/usr/bin/python3 train_gpt.py")
                .containsEntry("gpu", "none").containsEntry("cuda", "none").containsEntry("cuda_visible_devices", "none")
                .containsEntry("steps_requested", "16").containsKeys("python", "torch", "torch_cuda", "train_steps");
        assertThat(env.get("torch")).isNotEqualTo("none");
        assertThat(env.get("sandbox")).startsWith("bubblewrap").contains("hidden 1 held-out path(s)");
    }

    @Test
    void anAirbench96TrialTrainsItsRunsAndIsScoredInSecondsPerRunBehindTheGate() throws Exception {
        // given a lineage commit of the airbench96 recipe, shrunk, that probes for the test batch
        String source = withKnobs(Files.readString(RECIPES.resolve("airbench96").resolve("train.py")), Map.of(
                "WIDTH1", "8", "WIDTH2", "16", "WIDTH3", "16", "CONVS_PER_BLOCK", "1", "BATCH", "40", "LR", "0.2",
                "CUTOUT", "4", "TTA_LEVEL", "2"));
        source = probe(source, cifar.resolve("test_batch.bin"));
        Lineage lineage = lineage("airbench96", "train.py", source);

        // when the worker runs it with 8 steps per run
        TrialEvent finished = runner(Map.of("airbench96.cifar", cifar.toString())).run(new RunRequest(
                RunRequest.SCHEMA, "t-airbench-" + UUID.randomUUID(), 1, "c1", "airbench96", lineage.url(),
                lineage.commit(), 300, 3L, System.currentTimeMillis(), 8, 0));

        // then both runs were trained, stored and tested, and the score is the training time per run
        var m = finished.measurement();
        assertThat(m.status()).as(m.feedback()).isEqualTo(TrialStatus.scored);
        assertThat(m.score()).isEqualTo(m.trainSeconds() / 2, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(m.metrics()).containsKeys("accuracy_run0", "accuracy_run1").containsEntry("runs", 2.0);
        assertThat(finished.artifacts()).extracting(ArtifactRef::name).contains("run-0/model.pt", "run-1/model.pt");
        assertThat(artifact(finished, "train.log")).contains("PROBE held-out: hidden").doesNotContain("visible");
        assertThat(names(home.resolve("data").resolve("airbench96").resolve("train"))).doesNotContain("test_batch.bin")
                .contains("data_batch_1.bin", "meta.json");
    }

    private TrialRunner runner(Map<String, String> taskData) {
        Bubblewrap sandbox = new Bubblewrap(Bubblewrap.DEFAULT_BINARY, new SandboxLimits(4096, 1024, 2048),
                RecipeRuntime.readOnlyPaths(List.of()), List.of());
        CatalogTaskResolver tasks = new CatalogTaskResolver(recipes, new EvaluatorSettings(1, PYTHON,
                home.resolve("evaluators"), null, taskData));
        return new TrialRunner(new TrialRunner.Settings("python-test-worker", home, 1, Duration.ofSeconds(10), false,
                DjlRuntime::classpathString, sandbox, null, PYTHON), tasks, artifacts, events);
    }

    /** A bare lineage whose one commit holds {@code recipes/<task>/<entry>} and the task.yaml. */
    private Lineage lineage(String task, String entry, String source) throws Exception {
        Path author = tmp.resolve("author-" + task);
        Path dir = Files.createDirectories(author.resolve("recipes").resolve(task));
        Files.writeString(dir.resolve(entry), source);
        Files.copy(recipes.resolve(task).resolve("task.yaml"), dir.resolve("task.yaml"));
        String commit;
        try (Git git = Git.init().setDirectory(author.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            commit = git.commit().setMessage(task + " shrunk").setSign(false).call().name();
        }
        Path bare = tmp.resolve(task + ".git");
        Git.cloneRepository().setURI(author.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
        return new Lineage(bare.toString(), commit);
    }

    private record Lineage(String url, String commit) {
    }

    /** {@code source} with each named knob's literal replaced, as a specialist's edit would. */
    private static String withKnobs(String source, Map<String, String> values) {
        String result = source;
        for (Map.Entry<String, String> knob : values.entrySet()) {
            Matcher m = Pattern.compile("^(" + Pattern.quote(knob.getKey()) + " = )(.+?)(  # @knob .*)$",
                    Pattern.MULTILINE).matcher(result);
            assertThat(m.find()).as("knob %s", knob.getKey()).isTrue();
            result = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + knob.getValue() + m.group(3)));
        }
        return result;
    }

    /** The probe goes right after the recipe's {@code import torch}, where os and sys are imported. */
    private static String probe(String source, Path heldOut) {
        String line = "import torch\n";
        assertThat(source).contains("import os\n", "import sys\n", line);
        return source.replaceFirst(Pattern.quote(line), Matcher.quoteReplacement(line + PROBE.formatted(
                "'" + heldOut + "'")));
    }

    private String artifact(TrialEvent finished, String name) throws Exception {
        ArtifactRef ref = finished.artifacts().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(ref.key()).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long size(TrialEvent finished, String name) {
        return finished.artifacts().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow().sizeBytes();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static void synthetic(LooplabEvalPackage pkg, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "looplab_eval.synthetic"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", pkg.pythonPath().toString());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
    }

    private static void requireTorch() throws Exception {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!probe.waitFor(2, TimeUnit.MINUTES) || probe.exitValue() != 0) {
            fail(PYTHON + " cannot import torch (" + out.strip() + "): install Debian's python3-torch");
        }
    }
}
