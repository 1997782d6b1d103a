package dev.looplab.worker.config;

import dev.looplab.worker.sandbox.SandboxLimits;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's settings under {@code looplab.*}; each also reads from the environment
 * ({@code LOOPLAB_KAFKA_BOOTSTRAP}, {@code LOOPLAB_S3_ENDPOINT}, {@code LOOPLAB_HOME}, ...). Kafka and S3 settings
 * left unset come from the platform at start ({@link WorkerServices}).
 */
@ConfigMapping(prefix = "looplab")
public interface WorkerConfig {

    Kafka kafka();

    S3 s3();

    /** Root of the worker's files: work dirs under {@code work/<trialId>-<attempt>}, data under {@code data/<task>}. */
    Path home();

    /** Where {@code <task>/task.yaml} lives, to know each task's runtime and budgets. */
    Path recipesDir();

    Worker worker();

    Platform platform();

    /** Where the GPU tasks' data lives ({@code looplab.tasks.<task>.<key>}); unset until a task needs it. */
    Tasks tasks();

    interface Kafka {
        /** LOOPLAB_KAFKA_BOOTSTRAP; unset: the platform says (or localhost:9092 without a platform URL). */
        Optional<String> bootstrap();

        /** An external cluster's security protocol (LOOPLAB_KAFKA_SECURITY_PROTOCOL); SASL_SSL with a user name. */
        Optional<String> securityProtocol();

        /** SCRAM-SHA-512 unless set (LOOPLAB_KAFKA_SASL_MECHANISM). */
        Optional<String> saslMechanism();

        /** The worker role's Kafka user (LOOPLAB_KAFKA_USERNAME); unset: plain clients. */
        Optional<String> username();

        /** Its password (LOOPLAB_KAFKA_PASSWORD); never logged. */
        Optional<String> password();

        /** A dead worker's runs move to another after this long without its Kafka heartbeats. */
        @WithDefault("10000")
        int sessionTimeoutMs();
    }

    /** The platform the worker claims attempts from; without a URL the worker runs every request it reads. */
    interface Platform {
        /** {@code looplab.platform.url} (LOOPLAB_PLATFORM_URL), e.g. http://localhost:8080. */
        Optional<String> url();

        /** The worker's API token (LOOPLAB_TOKEN), sent on every call and on git fetches; never logged. */
        Optional<String> token();

        /** A file holding the token instead (LOOPLAB_TOKEN_FILE), as {@code looplab up} hands it over. */
        Optional<String> tokenFile();

        /** How long a starting worker keeps asking an unreachable platform for its Kafka and S3 settings. */
        @WithDefault("60s")
        java.time.Duration joinTimeout();
    }

    /** The artifact store; each setting left unset comes from the platform (or the local default without one). */
    interface S3 {
        /** LOOPLAB_S3_ENDPOINT; without a platform URL http://localhost:9000. */
        Optional<String> endpoint();

        /** LOOPLAB_S3_ACCESS_KEY; with it, the secret key below is the worker's own too. */
        Optional<String> accessKey();

        /** LOOPLAB_S3_SECRET_KEY; never logged. */
        Optional<String> secretKey();

        /** LOOPLAB_S3_BUCKET; unset: the platform's, else looplab-artifacts. */
        Optional<String> bucket();

        Optional<String> region();

        /** Files larger than this go up as multipart uploads in parts of this size (S3 allows 5 to 5120). */
        @WithDefault("16")
        int partSizeMib();
    }

    interface Worker {
        /** Defaults to {@code <hostname>-<pid>}. */
        Optional<String> id();

        /** Threads a recipe may use (LOOPLAB_THREADS). */
        @WithDefault("2")
        int threads();

        /** Keep a trial's work dir after it is reported (for debugging); off by default so disks do not fill. */
        @WithDefault("false")
        boolean keepWorkDirs();

        /** Floor of the grace period after the training budget before the process tree is killed. */
        @WithDefault("10")
        int minGraceSeconds();

        /**
         * The wall-clock ceiling of a task that budgets CPU seconds ({@code budget_clock: cpu}), as a multiple of
         * its budget: a recipe that sleeps or waits is stopped there. A number >= 1; read as text so a malformed
         * value is reported with the fix.
         */
        @WithDefault("3")
        String wallCeilingFactor();

        /** Lease heartbeat interval when the platform does not say one (no platform URL). */
        @WithDefault("10")
        int heartbeatSeconds();

        /**
         * How trial code is confined: {@code bubblewrap}, or {@code unsafe} to run it unconfined (every
         * trial then records {@code sandbox=unsafe ...} in its environment).
         */
        @WithDefault("bubblewrap")
        SandboxMode sandbox();

        /** The bubblewrap binary. */
        @WithDefault("/usr/bin/bwrap")
        Path bwrap();

        /** Resident memory a trial's processes may hold together, and each one's RLIMIT_DATA; 0 = unlimited. */
        @WithDefault("" + SandboxLimits.DEFAULT_MEMORY_MIB)
        long memoryMib();

        /**
         * Processes a trial may run at once (a fork bomb is killed past it); where a pids cgroup is possible
         * threads count too, so leave room for the JVM's and PyTorch's thread pools; 0 = unlimited.
         */
        @WithDefault("" + SandboxLimits.DEFAULT_PROCESSES)
        int processes();

        /** Largest file a trial may write (RLIMIT_FSIZE); 0 = unlimited. */
        @WithDefault("" + SandboxLimits.DEFAULT_FILE_SIZE_MIB)
        long fileSizeMib();

        /** GPUs this worker owns, as CUDA_VISIBLE_DEVICES (e.g. {@code 0}); one worker per GPU. Unset: CPU only. */
        Optional<String> devices();

        /** Extra read-only paths every sandboxed trial sees, e.g. a Python virtualenv with torch. */
        Optional<List<Path>> sandboxPaths();

        /**
         * The python3 (with torch) that runs Python recipes (a task command's {@code python3}) and the trusted
         * Python scorers; outside {@code /usr} its folder must be in {@code sandbox-paths}.
         */
        @WithDefault("/usr/bin/python3")
        Path python();
    }

    /**
     * The data of the Python/PyTorch tasks, each a folder the worker reads (never handed to training whole):
     * LOOPLAB_TASKS_PARAMETER_GOLF_DATA, LOOPLAB_TASKS_NANOCHAT_D12_TEXT, ... (see README, "GPU tasks").
     */
    interface Tasks {
        @WithName("parameter-golf")
        ParameterGolf parameterGolf();

        @WithName("nanochat-d12")
        NanochatD12 nanochatD12();

        @WithName("airbench96")
        Airbench96 airbench96();

        /** Every setting that is set, keyed {@code <task>.<key>} as the evaluators read them. */
        default Map<String, String> asMap() {
            Map<String, String> map = new LinkedHashMap<>();
            parameterGolf().data().ifPresent(v -> map.put("parameter-golf.data", v));
            parameterGolf().tokenizer().ifPresent(v -> map.put("parameter-golf.tokenizer", v));
            parameterGolf().maxEvalTokens().ifPresent(v -> map.put("parameter-golf.max-eval-tokens", v));
            nanochatD12().text().ifPresent(v -> map.put("nanochat-d12.text", v));
            nanochatD12().bundle().ifPresent(v -> map.put("nanochat-d12.bundle", v));
            nanochatD12().tokenizer().ifPresent(v -> map.put("nanochat-d12.tokenizer", v));
            nanochatD12().maxPerTask().ifPresent(v -> map.put("nanochat-d12.max-per-task", v));
            airbench96().cifar().ifPresent(v -> map.put("airbench96.cifar", v));
            return map;
        }
    }

    interface ParameterGolf {
        /** FineWeb-format shards: fineweb_train_*.bin, fineweb_val_*.bin (held out). */
        Optional<String> data();

        /** The shards' SentencePiece model; unset: the only *.model in the data folder. */
        Optional<String> tokenizer();

        /** Score only the first N validation tokens; unset: the whole split. */
        Optional<String> maxEvalTokens();
    }

    interface NanochatD12 {
        /** Training text: *.parquet (text column), *.jsonl or *.txt. */
        Optional<String> text();

        /** The CORE eval bundle (held out). */
        Optional<String> bundle();

        /** The SentencePiece BPE model; unset: the only *.model in the text folder. */
        Optional<String> tokenizer();

        /** CORE examples per task; unset: all. */
        Optional<String> maxPerTask();
    }

    interface Airbench96 {
        /** CIFAR-10 binary: data_batch_1..5.bin, test_batch.bin (held out). */
        Optional<String> cifar();
    }

    /** The values of {@code looplab.worker.sandbox}. */
    enum SandboxMode { bubblewrap, unsafe }
}
