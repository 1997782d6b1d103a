package dev.looplab.runtime.s3proxy;

import java.nio.file.Path;
import java.util.List;

import dev.looplab.runtime.RuntimeClasspath;

/**
 * The classpath of S3Proxy 2.6 (an S3 server over jclouds), resolved by Maven at build time, for a
 * child JVM that runs {@code org.gaul.s3proxy.Main}.
 */
public final class S3ProxyRuntime {

    /** Classpath resource written by maven-dependency-plugin's build-classpath goal. */
    public static final String CLASSPATH_RESOURCE = "looplab/runtime/s3proxy.classpath";

    /** Main class of S3Proxy. */
    public static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

    /** Main class of the child JVM: {@link S3ProxyLauncher} wraps the server's own main. */
    public static final String LAUNCHER_CLASS = "dev.looplab.runtime.s3proxy.S3ProxyLauncher";

    /** Classpath resource holding the logback configuration S3Proxy's child JVM should use. */
    public static final String LOGBACK_RESOURCE = "looplab/runtime/s3proxy-logback.xml";

    private static final RuntimeClasspath RUNTIME =
            new RuntimeClasspath(S3ProxyRuntime.class, CLASSPATH_RESOURCE, "S3Proxy", "infra/runtimes/s3proxy");

    private S3ProxyRuntime() {
    }

    /**
     * Returns the child JVM's classpath (this module's jar, runtime-common's, then S3Proxy's jars)
     * joined by ':' after checking every jar exists.
     *
     * @throws IllegalStateException when the resource or one of its jars is missing
     */
    public static String classpathString() {
        return RUNTIME.launcherClasspath();
    }

    /** Returns the S3Proxy classpath entries, each checked to exist. */
    public static List<Path> classpath() {
        return RUNTIME.jars();
    }

    /** Returns the logback.xml text to write beside S3Proxy's data and pass as -Dlogback.configurationFile. */
    public static String logbackXml() {
        return RUNTIME.readText(LOGBACK_RESOURCE);
    }
}
