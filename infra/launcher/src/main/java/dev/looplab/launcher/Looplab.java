package dev.looplab.launcher;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code looplab} command line: {@code up} starts Looplab and runs until Ctrl-C or SIGTERM; {@code import} builds a
 * lineage from another tool's history through the running platform.
 */
public final class Looplab {

    private Looplab() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        Path root = Path.of(System.getProperty("looplab.root", ".")).toAbsolutePath().normalize();
        switch (command) {
            case "up" -> up(root);
            case "replay" -> System.exit(ReplayCommand.run(args, platformUrl()));
            case "import" -> System.exit(ImportCommand.run(java.util.List.of(args).subList(1, args.length), System.getenv()));
            case "campaign" -> System.exit(CampaignCommand.run(java.util.List.of(args).subList(1, args.length),
                    System.getenv(), System.out, System.err));
            case "help", "--help", "-h" -> usage();
            default -> {
                System.err.println("unknown command '" + command + "'");
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.out.println("""
                usage: looplab up
                  Starts Looplab on this machine: Kafka, PostgreSQL and S3 (embedded unless LOOPLAB_KAFKA_BOOTSTRAP,
                  LOOPLAB_DB_URL or LOOPLAB_S3_ENDPOINT name external ones), then the platform, a worker and the
                  proposer agents. State lives in LOOPLAB_HOME (default ~/.looplab); running it again resumes.
                  Other settings: LOOPLAB_PORT (8080), LOOPLAB_CAMPAIGN, LOOPLAB_TASK (golf-mini),
                  LOOPLAB_TRAIN_BUDGET_S (0 = the task's own budget), LOOPLAB_NOISE_RUNS (2).

                usage: looplab replay <trial-id> [--no-wait] [--timeout seconds]
                  Runs the trial's commit again on a worker with its recorded seed and step count, waits, and
                  prints the verdict: identical, within_noise (with the tolerance) or differs (both scores and
                  what differs in the environment). Talks to LOOPLAB_PLATFORM_URL (http://localhost:8080).
                """ + ImportCommand.USAGE + "\n\n" + CampaignCommand.USAGE);
    }

    /** Where the running platform answers: LOOPLAB_PLATFORM_URL, else localhost on LOOPLAB_PORT. */
    static String platformUrl() {
        return platformUrl(System.getenv());
    }

    /** The same, read from {@code env}: every command that talks to the platform resolves it here. */
    static String platformUrl(java.util.Map<String, String> env) {
        String url = env.get("LOOPLAB_PLATFORM_URL");
        if (url != null && !url.isBlank()) {
            return url.replaceAll("/+$", "");
        }
        return "http://localhost:" + env.getOrDefault("LOOPLAB_PORT", "8080");
    }

    private static void up(Path root) {
        Stack.Settings settings = Stack.Settings.fromEnvironment(root);
        System.out.println("starting Looplab in " + settings.home() + " ...");
        Stack stack = Stack.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            System.out.println("stopping Looplab ...");
            stack.close();
            stopped.countDown();
        }, "looplab-stop"));
        System.out.println("Looplab is up: open " + stack.platformUrl() + "/ (logs in " + settings.home().resolve("logs")
                + "; Ctrl-C stops everything)");
        while (stopped.getCount() > 0) {
            var dead = stack.deadApp();
            // while stopping, apps exit on purpose
            if (dead.isPresent() && stopping.getCount() > 0) {
                System.err.println("stopping: " + dead.get() + " exited");
                System.exit(1);
            }
            Stack.sleep(2000);
        }
    }
}
