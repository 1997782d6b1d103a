package dev.looplab.runtime.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.looplab.runtime.ParentWatch;

/**
 * Main class of the broker's child JVM: formats the KRaft log directory when it is new, then runs
 * {@code kafka.Kafka}; it exits when the JVM named by {@code -Dlooplab.parent.pid} is gone
 * ({@link ParentWatch}).
 *
 * <p>Usage: {@code KafkaLauncher <server.properties> <cluster-id>}.
 */
public final class KafkaLauncher {

    private KafkaLauncher() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: KafkaLauncher <server.properties> <cluster-id>");
            System.exit(2);
        }
        ParentWatch.exitWhenParentDies("the broker");
        String config = args[0];
        Path logDir = Path.of(logDir(config));
        // one JVM for format + run saves the ~2 s a separate StorageTool JVM costs
        if (!Files.isRegularFile(logDir.resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", args[1], "-c", config, "--ignore-formatted"}, System.out);
            if (rc != 0) {
                System.err.println("Formatting the KRaft log dir " + logDir + " failed with exit code " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {config});
    }

    private static String logDir(String config) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(config))) {
            properties.load(reader);
        }
        String dirs = properties.getProperty("log.dirs");
        if (dirs == null || dirs.isBlank() || dirs.contains(",")) {
            throw new IllegalArgumentException(config + " must set exactly one log.dirs entry, found: " + dirs);
        }
        return dirs.trim();
    }
}
