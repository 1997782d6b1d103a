package dev.looplab.worker.fingerprint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentFingerprintTest {
    private static final String CLASSPATH = String.join(":",
            "/root/.m2/repository/ai/djl/api/0.36.0/api-0.36.0.jar",
            "/root/.m2/repository/ai/djl/pytorch/pytorch-engine/0.36.0/pytorch-engine-0.36.0.jar",
            "/root/.m2/repository/ai/djl/pytorch/pytorch-native-cpu/2.7.1/pytorch-native-cpu-2.7.1-linux-x86_64.jar",
            "/root/.m2/repository/com/google/code/gson/gson/2.13.1/gson-2.13.1.jar");

    @Test
    void theMachinePartNamesDjlLibtorchCpuAndJdk() {
        Map<String, String> machine = EnvironmentFingerprint.ofThisMachine(CLASSPATH, null).machine();
        assertThat(machine).containsEntry("djl", "0.36.0").containsEntry("djl_pytorch_engine", "0.36.0")
                .containsEntry("libtorch", "2.7.1 (cpu)").containsEntry("cuda_visible_devices", "none")
                .containsKeys("jdk", "cpu", "cpu_count", "os", "gpu");
        assertThat(machine.get("jdk")).contains(System.getProperty("java.version").split("\\+")[0]);
    }

    @Test
    void anAttemptAddsItsSettingsAndTheStepsTheRecipeReported(@TempDir Path dir) throws Exception {
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"step":6,"name":"planned_steps","value":180,"wallclock":2.000}
                {"step":10,"name":"train_loss","value":3.2,"wallclock":3.000}
                not json at all
                {"step":171,"name":"planned_steps","value":180,"wallclock":60.000}
                {"step":171,"name":"train_steps","value":171,"wallclock":60.000}
                {"step":171,"name":"train_st""");
        EnvironmentFingerprint fp = EnvironmentFingerprint.ofThisMachine(CLASSPATH, "0");
        Map<String, String> all = fp.forAttempt(new EnvironmentFingerprint.TrialFacts("djl",
                List.of("/usr/bin/java", "-cp", CLASSPATH, "Recipe.java", "train"), 1, 42, 90, 0, 0,
                Map.of("MKL_CBWR", "AUTO,STRICT"), "aa", "bb", metrics, "bubblewrap"));
        assertThat(all).containsEntry("planned_steps", "180").containsEntry("train_steps", "171")
                .containsEntry("seed", "42").containsEntry("threads", "1").containsEntry("budget_s", "90")
                .containsEntry("env.MKL_CBWR", "AUTO,STRICT").containsEntry("train_data_sha256", "aa")
                .containsEntry("eval_data_sha256", "bb").containsEntry("sandbox", "bubblewrap")
                .containsEntry("cuda_visible_devices", "0").doesNotContainKey("steps_requested");
        assertThat(all.get("command")).isEqualTo("/usr/bin/java -cp <4 jars> Recipe.java train");
    }

    @Test
    void anAttemptRecordsTheLoadAroundTrainingAndTheCpuSecondsPerStep(@TempDir Path dir) throws Exception {
        // given a run that trained 200 steps in 45.5 s on the clock and 80 CPU s, started at load 0.5, ended at 2.25
        Path metrics = dir.resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"step\":200,\"name\":\"train_steps\",\"value\":200,\"wallclock\":45.0}\n");
        EnvironmentFingerprint fp = EnvironmentFingerprint.ofThisMachine(CLASSPATH, null);
        EnvironmentFingerprint.BudgetFacts budget = new EnvironmentFingerprint.BudgetFacts("cpu", 270, 0.5, 2.25,
                45.5, 80.0);

        // when fingerprinted
        Map<String, String> all = fp.forAttempt(new EnvironmentFingerprint.TrialFacts("djl", List.of("java"), 2, 7,
                90, 0, 0, Map.of(), null, null, metrics, "unsafe", budget));

        // then the clock, ceiling, both load averages, both durations and CPU per step are there
        assertThat(all).containsEntry("budget_clock", "cpu").containsEntry("wall_ceiling_s", "270")
                .containsEntry("load_avg_1m_start", "0.50").containsEntry("load_avg_1m_end", "2.25")
                .containsEntry("train_wall_s", "45.50").containsEntry("train_cpu_s", "80.00")
                .containsEntry("cpu_s_per_step", "0.4000");
    }

    @Test
    void aCpuWorkersFingerprintSaysItHasNoGpu() {
        // a worker without devices reports no GPU, driver or CUDA even on a machine that has them
        assertThat(EnvironmentFingerprint.ofThisMachine(CLASSPATH, null, Path.of("/usr/bin/python3")).machine())
                .containsEntry("gpu", "none").containsEntry("gpu_driver", "none").containsEntry("cuda", "none")
                .containsEntry("cuda_visible_devices", "none");
    }

    @Test
    void theGpuModelDriverAndCudaVersionComeFromNvidiaSmi() {
        String csv = "NVIDIA H200, 580.159.04\nNVIDIA H200, 580.159.04\n";
        String header = "| NVIDIA-SMI 580.159.04    Driver Version: 580.159.04    CUDA Version: 13.0     |";
        assertThat(EnvironmentFingerprint.gpuFacts(csv, header)).containsEntry("gpu", "NVIDIA H200;NVIDIA H200")
                .containsEntry("gpu_driver", "580.159.04").containsEntry("cuda", "13.0");
        // without nvidia-smi (or without an answer) each is none
        assertThat(EnvironmentFingerprint.gpuFacts(null, null)).containsEntry("gpu", "none")
                .containsEntry("gpu_driver", "none").containsEntry("cuda", "none");
    }

    @Test
    void aPythonRecipesAttemptNamesItsPythonTorchAndTorchsCuda(@TempDir Path dir) {
        // given the fingerprint of a worker whose Python recipes run on Debian's python3 with torch
        EnvironmentFingerprint fp = EnvironmentFingerprint.ofThisMachine(CLASSPATH, null, Path.of("/usr/bin/python3"));

        // when a process attempt is fingerprinted, then the interpreter's versions are in it
        Map<String, String> process = fp.forAttempt(new EnvironmentFingerprint.TrialFacts("process",
                List.of("/usr/bin/python3", "train_gpt.py"), 1, 7, 60, 16, 0, Map.of(), "aa", "bb",
                dir.resolve("metrics.jsonl"), "bubblewrap"));
        assertThat(process.get("python")).matches("3\\.\\d+\\.\\d+");
        assertThat(process.get("torch")).matches("\\d+\\.\\d+.*");
        assertThat(process).containsKey("torch_cuda").containsEntry("python_path", "/usr/bin/python3")
                .containsEntry("steps_requested", "16").containsEntry("command", "/usr/bin/python3 train_gpt.py");

        // and a DJL attempt does not carry them
        assertThat(fp.forAttempt(new EnvironmentFingerprint.TrialFacts("djl", List.of("java"), 1, 7, 60, 0, 0,
                Map.of(), "aa", "bb", dir.resolve("metrics.jsonl"), "bubblewrap"))).doesNotContainKeys("python", "torch");
        // and the probe's answer is read line by line, whatever else it printed
        assertThat(EnvironmentFingerprint.pythonFacts("warning: x\npython 3.12.3\ntorch 2.11.0+cu130\ntorch_cuda 13.0\n",
                Path.of("/venv/bin/python3"))).containsEntry("python", "3.12.3").containsEntry("torch", "2.11.0+cu130")
                .containsEntry("torch_cuda", "13.0");
        assertThat(EnvironmentFingerprint.pythonFacts(null, Path.of("/nonexistent/python3")).get("python"))
                .startsWith("unknown");
    }

    @Test
    void aMissingMetricsFileLeavesTheStepsOut(@TempDir Path dir) {
        assertThat(EnvironmentFingerprint.lastMetricValues(dir.resolve("none.jsonl"), List.of("train_steps"))).isEmpty();
    }
}
