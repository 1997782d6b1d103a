package dev.looplab.runtime.s3proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The classpath of S3Proxy 2.6 (an S3 server over jclouds), resolved by Maven at build time, for a
 * child JVM that runs {@code org.gaul.s3proxy.Main}.
 */
public final class S3ProxyRuntime {

    /** Classpath resource written by maven-dependency-plugin's build-classpath goal. */
    public static final String CLASSPATH_RESOURCE = "looplab/runtime/s3proxy.classpath";

    /** Main class of S3Proxy. */
    public static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

    private S3ProxyRuntime() {
    }

    /** Main class of the child JVM: {@link S3ProxyLauncher} wraps the server's own main. */
    public static final String LAUNCHER_CLASS = "dev.looplab.runtime.s3proxy.S3ProxyLauncher";

    /**
     * Returns the child JVM's classpath (this module's jar, then S3Proxy's jars) joined by ':'
     * after checking every jar exists.
     *
     * @throws IllegalStateException when the resource or one of its jars is missing
     */
    public static String classpathString() {
        List<String> entries = new java.util.ArrayList<>();
        // this module's own jar (or classes dir) carries the launcher
        entries.add(ownLocation().toString());
        classpath().forEach(p -> entries.add(p.toString()));
        return String.join(":", entries);
    }

    /** Returns the S3Proxy classpath entries, each checked to exist. */
    public static List<Path> classpath() {
        String text = readResource();
        List<Path> jars = Arrays.stream(text.trim().split(":"))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
        if (jars.isEmpty()) {
            throw new IllegalStateException(CLASSPATH_RESOURCE + " is empty: run ./mvnw install -pl infra/runtimes/s3proxy");
        }
        List<Path> missing = jars.stream().filter(p -> !Files.isRegularFile(p)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("S3Proxy runtime jars are missing from the local Maven repository: "
                    + missing.stream().limit(3).map(Path::toString).collect(Collectors.joining(", "))
                    + (missing.size() > 3 ? " and " + (missing.size() - 3) + " more" : "")
                    + ": run ./mvnw install -pl infra/runtimes/s3proxy to resolve them");
        }
        return jars;
    }

    /** Classpath resource holding the logback configuration S3Proxy's child JVM should use. */
    public static final String LOGBACK_RESOURCE = "looplab/runtime/s3proxy-logback.xml";

    /** Returns the logback.xml text to write beside S3Proxy's data and pass as -Dlogback.configurationFile. */
    public static String logbackXml() {
        return readResource(LOGBACK_RESOURCE);
    }

    private static Path ownLocation() {
        try {
            return Path.of(S3ProxyRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Cannot locate the jar of " + S3ProxyRuntime.class.getName(), e);
        }
    }

    private static String readResource() {
        return readResource(CLASSPATH_RESOURCE);
    }

    private static String readResource(String name) {
        try (InputStream in = S3ProxyRuntime.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + name
                        + " not found on the classpath: run ./mvnw install -pl infra/runtimes/s3proxy");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name, e);
        }
    }
}
