package dev.looplab.worker.sandbox;

import dev.looplab.runtime.djl.DjlRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Hostile recipes run for real under bubblewrap: each is contained and labelled with a reason a person understands. */
class BubblewrapTest {
    private static final Path SCRIPTS = Path.of("src", "test", "resources", "sandbox").toAbsolutePath();
    private static final SandboxLimits LIMITS = new SandboxLimits(256, 64, 8);

    @TempDir
    Path dir;

    private Path recipe;
    private Path out;
    private Path metrics;
    private final Bubblewrap sandbox = new Bubblewrap(Bubblewrap.DEFAULT_BINARY, LIMITS, RecipeRuntime.readOnlyPaths(List.of()),
            List.of());

    @BeforeEach
    void workDir() throws IOException {
        assumeThat(Files.isExecutable(Bubblewrap.DEFAULT_BINARY)).as("bubblewrap installed").isTrue();
        recipe = Files.createDirectories(dir.resolve("recipe"));
        out = Files.createDirectories(dir.resolve("out"));
        metrics = Files.createFile(dir.resolve("metrics.jsonl"));
        for (String script : List.of("connect.py", "fork_bomb.sh", "hog_memory.py", "hog_memory_in_children.py",
                "write_big_file.sh", "escape.sh")) {
            Files.copy(SCRIPTS.resolve(script), recipe.resolve(script));
        }
    }

    @Test
    void theSandboxRunsOnThisMachineAndSaysWhatItIs() {
        // when the worker checks its sandbox, then it is usable and describes its confinement
        sandbox.ensureUsable();
        assertThat(sandbox.description()).startsWith("bubblewrap 0.").contains("net=none").contains("mem=256 MiB")
                .contains("procs=64");
    }

    @Test
    void aMissingBubblewrapRefusesTrialsSayingHowToFixIt() {
        // given a worker pointed at a bwrap that does not exist
        Bubblewrap missing = new Bubblewrap(Path.of("/nonexistent/bwrap"), LIMITS, List.of(), List.of());

        // then checking it fails naming the binary, the package and the unsafe switch
        assertThatThrownBy(missing::ensureUsable).isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("bubblewrap cannot run here (no executable /nonexistent/bwrap")
                .hasMessageContaining("install the Debian package bubblewrap")
                .hasMessageContaining("looplab.worker.sandbox=unsafe");
        assertThat(new Unconfined(LIMITS).description()).startsWith("unsafe");
    }

    @Test
    void aRecipeCannotOpenATcpConnectionToTheHost() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    return null;
                }
            });
            // given a service listening on the host's loopback
            Map<String, String> env = Map.of("HOST_PORT", Integer.toString(server.getLocalPort()));

            // when a recipe tries to connect to it from inside the sandbox
            TrainingResult result = train(sandbox, List.of("python3", "connect.py"), env, Duration.ofSeconds(30));

            // then it fails with its own error, labelled as having no network, and nothing reached the host
            assertThat(result.exitCode()).isNotZero();
            assertThat(log()).contains("Connection refused").doesNotContain("connected to the host");
            assertThat(result.limitReached()).startsWith("no network");
            assertThat(accepted).isNotDone();

            // while the same recipe unconfined does reach it, so the check above can fail
            TrainingResult unconfined = train(new Unconfined(LIMITS), List.of("python3", "connect.py"), env,
                    Duration.ofSeconds(30));
            assertThat(unconfined.exitCode()).as(log()).isZero();
            assertThat(accepted.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void aRecipeCannotReadTheHeldOutDataNorWriteOutsideItsOutputs() throws Exception {
        // given held-out data on the host, hidden from the sandbox, and a host file outside the work dir
        Path heldOut = Files.createDirectories(dir.resolve("held-out"));
        Files.writeString(heldOut.resolve("answers.txt"), "the held-out split");
        Path outside = Path.of("target", "outside-" + System.nanoTime() + ".txt").toAbsolutePath();
        TrialSandbox hiding = sandbox.hiding(List.of(heldOut, Path.of("/usr/share/games/fortunes")));

        // when a recipe tries to read the data and write everywhere
        TrainingResult result = train(hiding, List.of("sh", "escape.sh"),
                Map.of("HELD_OUT", heldOut.resolve("answers.txt").toString(), "OUTSIDE", outside.toString()),
                Duration.ofSeconds(30));

        // then it read nothing held out and wrote only its outputs and its private /tmp (unseen by the host)
        assertThat(result.exitCode()).as(log()).isZero();
        assertThat(log()).contains("cannot read " + heldOut.resolve("answers.txt"))
                .contains("cannot read /usr/share/games/fortunes/fortunes")
                .contains("cannot write " + outside).contains("cannot write " + recipe.resolve("edited-recipe.txt"))
                .contains("cannot write /usr/looplab-escape")
                .contains("WROTE " + out.resolve("ok.txt")).contains("WROTE /tmp/ok.txt")
                .doesNotContain("READ ");
        assertThat(outside).doesNotExist();
        assertThat(recipe.resolve("edited-recipe.txt")).doesNotExist();
        assertThat(out.resolve("ok.txt")).hasContent("escaped");
        assertThat(Path.of("/tmp/ok.txt")).doesNotExist();
    }

    @Test
    void aForkBombIsKilledAtTheProcessLimit() throws Exception {
        // given a machine where the kernel can cap the tree (without a cgroup the bomb would hurt the shared host)
        Optional<PidsCgroup> probe = PidsCgroup.create(1);
        probe.ifPresent(PidsCgroup::close);
        assumeThat(probe).as("a pids cgroup can be created here").isPresent();

        // when a recipe forks without end under a limit of 64 processes
        long started = System.nanoTime();
        TrainingResult result = train(sandbox, List.of("sh", "fork_bomb.sh"), Map.of(), Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - started) / 1e9;

        // then the whole tree is killed long before its budget, labelled with the limit
        assertThat(result.limitReached()).startsWith("process limit 64 reached");
        assertThat(result.timedOut()).isFalse();
        assertThat(seconds).isLessThan(30);
        System.out.printf("fork bomb contained after %.2f s%n", seconds);
    }

    @Test
    void anAllocationPastTheMemoryLimitFailsAndSaysSo() throws Exception {
        // when a recipe asks for 1 GiB under a 256 MiB limit
        TrainingResult result = train(sandbox, List.of("python3", "hog_memory.py"), Map.of("HOG_MIB", "1024"),
                Duration.ofSeconds(30));

        // then the allocation fails inside the recipe and the reason names the limit
        assertThat(result.exitCode()).isNotZero();
        assertThat(log()).contains("MemoryError");
        assertThat(result.limitReached()).startsWith("out of memory (limit 256 MiB)");
    }

    @Test
    void processesHoldingMoreMemoryTogetherThanAllowedAreKilled() throws Exception {
        // when four children each touch 100 MiB, under the per-process limit but 400 MiB together
        TrainingResult result = train(sandbox, List.of("python3", "hog_memory_in_children.py"),
                Map.of("CHILDREN", "4", "CHILD_MIB", "100"), Duration.ofSeconds(60));

        // then the worker's watch kills the tree and says why
        assertThat(result.limitReached()).startsWith("killed: out of memory (limit 256 MiB");
        assertThat(result.timedOut()).isFalse();
    }

    @Test
    void aFileLargerThanTheLimitIsCutOffAndSaysSo() throws Exception {
        // when a recipe writes 64 MiB under an 8 MiB file size limit
        TrainingResult result = train(sandbox, List.of("sh", "write_big_file.sh"), Map.of(), Duration.ofSeconds(30));

        // then the file stops at the limit and the reason names it
        assertThat(Files.size(out.resolve("huge.bin"))).isLessThanOrEqualTo(8L * 1024 * 1024);
        assertThat(result.limitReached()).startsWith("file size limit reached");
    }

    @Test
    void aRecipePastItsBudgetIsKilledWithEverythingItStarted() throws Exception {
        // when a sandboxed recipe sleeps past budget plus grace
        TrainingResult result = train(sandbox, List.of("sh", "-c", "sleep 600 & sleep 600"), Map.of(),
                Duration.ofSeconds(1));

        // then it is reported as timed out and nothing of it is left running
        assertThat(result.timedOut()).isTrue();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains(recipe.toString()))).isEmpty();
    }

    @Test
    void theGolfMiniRecipeTrainsWithLibtorchInsideTheSandbox() throws Exception {
        // given the real golf-mini recipe, some training text and the worker's default limits
        Files.copy(Path.of("..", "recipes", "golf-mini", "Recipe.java"), recipe.resolve("Recipe.java"));
        Path data = Files.createDirectories(dir.resolve("data")).resolve("train.txt");
        Files.writeString(data, Files.readString(recipe.resolve("Recipe.java")).repeat(8));
        SandboxLimits defaults = new SandboxLimits(4096, 1024, 2048);
        TrialSandbox djl = new Bubblewrap(Bubblewrap.DEFAULT_BINARY, defaults, RecipeRuntime.readOnlyPaths(List.of()),
                List.of()).hiding(List.of(Path.of("/usr/share/games/fortunes")));
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2048m",
                "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp", DjlRuntime.classpathString(), "Recipe.java", "train");
        Map<String, String> env = new HashMap<>(DjlRuntime.ENVIRONMENT);
        env.putAll(Map.of("PATH", "/usr/bin:/bin", "LOOPLAB_DATA", data.toString(), "LOOPLAB_OUT", out.toString(),
                "LOOPLAB_METRICS", metrics.toString(), "LOOPLAB_BUDGET_S", "120", "LOOPLAB_SEED", "1",
                "LOOPLAB_THREADS", "1", "LOOPLAB_STEPS", "3"));

        // when it trains three steps confined
        TrainingResult result = TrainingProcess.run(new TrainingCommand(
                djl.wrap(java, recipe, List.of(recipe, data), List.of(out, metrics)), recipe, env,
                out.resolve("train.log"), Duration.ofSeconds(180), Duration.ofSeconds(10), defaults));

        // then the JVM, DJL and libtorch ran and the model was exported
        assertThat(result.exitCode()).as(log()).isZero();
        assertThat(result.limitReached()).isEmpty();
        assertThat(out.resolve("model.bin")).isNotEmptyFile();
        System.out.printf("golf-mini, 3 steps, in bubblewrap: %.1f s%n", result.seconds());
    }

    @Test
    void aWorkerWithoutDevicesPassesNoDeviceIntoTheSandbox() throws Exception {
        // given the CPU worker's sandbox: its command line binds no device
        List<String> argv = sandbox.wrap(List.of("ls", "/dev"), recipe, List.of(recipe), List.of(out));
        assertThat(argv).doesNotContain("--dev-bind", "--dev-bind-try")
                .noneMatch(arg -> arg.contains("nvidia"));

        // when a recipe lists /dev inside it, then it sees bubblewrap's minimal /dev and no GPU node
        TrainingResult result = train(sandbox, List.of("ls", "/dev"), Map.of(), Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(log()).isZero();
        assertThat(log().lines().toList()).contains("null", "zero", "urandom").noneMatch(l -> l.startsWith("nvidia"));
    }

    @Test
    void aWorkerWithDevicesDevBindsEachNodeSoTheRecipeCanUseIt() throws Exception {
        // given a GPU worker's sandbox with one device node (a character device made here, like /dev/null)
        Path node = dir.resolve("dev").resolve("nvidia0");
        Files.createDirectories(node.getParent());
        Process mknod = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").redirectErrorStream(true).start();
        assumeThat(mknod.waitFor() == 0 && Files.exists(node)).as("mknod allowed here (root)").isTrue();
        Bubblewrap gpu = new Bubblewrap(Bubblewrap.DEFAULT_BINARY, LIMITS, RecipeRuntime.readOnlyPaths(List.of()),
                List.of(node));

        // then its command line passes the node with --dev-bind, and says so in its description
        List<String> argv = gpu.wrap(List.of("true"), recipe, List.of(recipe), List.of(out));
        int at = argv.indexOf("--dev-bind");
        assertThat(at).isPositive();
        assertThat(argv.subList(at, at + 3)).containsExactly("--dev-bind", node.toString(), node.toString());
        gpu.ensureUsable();
        assertThat(gpu.description()).contains("devices 1 /dev/nvidia*");

        // when a recipe writes to the node inside the sandbox, then it can
        String write = "echo x > " + node + " && echo DEVICE-WRITTEN";
        TrainingResult used = train(gpu, List.of("sh", "-c", write), Map.of(), Duration.ofSeconds(30));
        assertThat(used.exitCode()).as(log()).isZero();
        assertThat(log()).contains("DEVICE-WRITTEN");

        // while the same node bound as an ordinary path is unusable (nodev): only --dev-bind makes a device work
        List<String> plain = sandbox.wrap(List.of("sh", "-c", write), recipe, List.of(recipe), List.of(out, node));
        TrainingResult refused = TrainingProcess.run(new TrainingCommand(plain, recipe, Map.of("PATH", "/usr/bin:/bin"),
                out.resolve("train.log"), Duration.ofSeconds(30), Duration.ofSeconds(1), LIMITS));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(log()).contains("Permission denied").doesNotContain("DEVICE-WRITTEN");
    }

    @Test
    void theGpuNodesAreEveryNvidiaEntryOfDev(@TempDir Path dev) throws IOException {
        // given a /dev with a GPU, the nodes CUDA needs besides it, and unrelated devices
        for (String name : List.of("nvidia0", "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "null", "sda", "fuse")) {
            Files.createFile(dev.resolve(name));
        }
        Files.createDirectories(dev.resolve("nvidia-caps"));

        // then the worker passes the nvidia ones, and none on a machine without them
        assertThat(RecipeRuntime.gpuDevices(dev)).extracting(p -> p.getFileName().toString())
                .containsExactly("nvidia-caps", "nvidia-uvm", "nvidia-uvm-tools", "nvidia0", "nvidiactl");
        assertThat(RecipeRuntime.gpuDevices(dev.resolve("missing"))).isEmpty();
    }

    private TrainingResult train(TrialSandbox confinement, List<String> command, Map<String, String> extraEnv,
                                 Duration budget) throws Exception {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LOOPLAB_OUT", out.toString());
        env.put("LOOPLAB_METRICS", metrics.toString());
        List<String> wrapped = confinement.wrap(command, recipe, List.of(recipe), List.of(out, metrics));
        return TrainingProcess.run(new TrainingCommand(wrapped, recipe, env, out.resolve("train.log"), budget,
                Duration.ofSeconds(1), confinement.limits()));
    }

    private String log() throws IOException {
        return Files.readString(out.resolve("train.log"));
    }
}
