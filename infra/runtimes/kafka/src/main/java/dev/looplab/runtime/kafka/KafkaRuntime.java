package dev.looplab.runtime.kafka;

import java.nio.file.Path;
import java.util.List;

import dev.looplab.runtime.RuntimeClasspath;

/**
 * The classpath of an Apache Kafka 4.4 KRaft broker, resolved by Maven at build time, for a
 * child JVM that runs {@code kafka.Kafka}.
 */
public final class KafkaRuntime {

    /** Classpath resource written by maven-dependency-plugin's build-classpath goal. */
    public static final String CLASSPATH_RESOURCE = "looplab/runtime/kafka.classpath";

    /** Main class of the broker. */
    public static final String MAIN_CLASS = "kafka.Kafka";

    /** Main class of the child JVM: {@link KafkaLauncher} wraps the server's own main. */
    public static final String LAUNCHER_CLASS = "dev.looplab.runtime.kafka.KafkaLauncher";

    private static final RuntimeClasspath RUNTIME =
            new RuntimeClasspath(KafkaRuntime.class, CLASSPATH_RESOURCE, "Kafka", "infra/runtimes/kafka");

    private KafkaRuntime() {
    }

    /**
     * Returns the child JVM's classpath (this module's jar, runtime-common's, then the broker's jars)
     * joined by ':' after checking every jar exists.
     *
     * @throws IllegalStateException when the resource or one of its jars is missing
     */
    public static String classpathString() {
        return RUNTIME.launcherClasspath();
    }

    /** Returns the broker classpath entries, each checked to exist. */
    public static List<Path> classpath() {
        return RUNTIME.jars();
    }
}
