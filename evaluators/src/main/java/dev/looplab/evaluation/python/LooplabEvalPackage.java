package dev.looplab.evaluation.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The trusted Python scoring package {@code looplab_eval}, shipped inside this jar and extracted to
 * {@code <root>/looplab_eval-<checksum>/looplab_eval}: a folder named by the checksum of its content, files
 * read-only, so every scorer runs exactly the code this build carries and an older or altered copy is never
 * used. {@link #pythonPath()} is what goes on {@code PYTHONPATH}.
 */
public final class LooplabEvalPackage {
    /** Where the package sits among this jar's resources (evaluators/pom.xml puts src/main/python there). */
    static final String RESOURCE_ROOT = "looplab-python";
    static final String PACKAGE = "looplab_eval";
    private static final Pattern VERSION = Pattern.compile("(?m)^VERSION\\s*=\\s*\"([^\"]+)\"");

    private final Path pythonPath;
    private final String sha256;
    private final String version;

    private LooplabEvalPackage(Path pythonPath, String sha256, String version) {
        this.pythonPath = pythonPath;
        this.sha256 = sha256;
        this.version = version;
    }

    /** Extracts (or finds, intact) this build's package under {@code root}. */
    public static LooplabEvalPackage extract(Path root) {
        return extract(root, LooplabEvalPackage.class.getClassLoader());
    }

    /** As {@link #extract(Path)}, reading the package from {@code loader}'s resources. */
    static LooplabEvalPackage extract(Path root, ClassLoader loader) {
        Map<String, byte[]> files = read(loader);
        String sha256 = checksum(files);
        String version = versionOf(files);
        Path target = root.toAbsolutePath().normalize().resolve(PACKAGE + "-" + sha256.substring(0, 16));
        try {
            Files.createDirectories(root);
            if (Files.isDirectory(target) && !intact(target, files)) {
                // someone changed an extracted file: move it out of the way, never run it
                Path stale = root.resolve(".stale-" + UUID.randomUUID());
                Files.move(target, stale);
                deleteTree(stale);
            }
            if (!Files.isDirectory(target)) {
                write(root, target, files);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the Python scoring package to " + target
                    + ": make the worker's home (looplab.home) writable", e);
        }
        return new LooplabEvalPackage(target, sha256, version);
    }

    /** The folder to put on {@code PYTHONPATH}: it holds {@code looplab_eval/}. */
    public Path pythonPath() {
        return pythonPath;
    }

    /** The checksum of the package's files (names and bytes). */
    public String sha256() {
        return sha256;
    }

    /** {@code looplab_eval.VERSION}. */
    public String version() {
        return version;
    }

    /** Every file of the package, by its path relative to {@link #RESOURCE_ROOT} ({@code looplab_eval/common.py}). */
    private static Map<String, byte[]> read(ClassLoader loader) {
        String marker = RESOURCE_ROOT + "/" + PACKAGE + "/__init__.py";
        URL url = loader.getResource(marker);
        if (url == null) {
            throw new IllegalStateException(marker + " is not among this build's resources: the evaluators jar must "
                    + "carry src/main/python (see evaluators/pom.xml)");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return readTree(Path.of(url.toURI()).getParent().getParent());
            }
            if ("jar".equals(url.getProtocol())) {
                String spec = url.toString();
                int bang = spec.indexOf("!/");
                if (bang < 0 || spec.indexOf("!/", bang + 2) >= 0) {
                    throw new IllegalStateException("cannot read " + spec + ": only a plain jar is supported");
                }
                Path jar = Path.of(new URI(spec.substring("jar:".length(), bang)));
                try (FileSystem fs = FileSystems.newFileSystem(jar)) {
                    return readTree(fs.getPath("/" + RESOURCE_ROOT));
                }
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the Python scoring package at " + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Python scoring package at " + url, e);
        }
        throw new IllegalStateException("cannot read the Python scoring package from " + url + " (protocol "
                + url.getProtocol() + "): run Looplab from its jars or class folders");
    }

    private static Map<String, byte[]> readTree(Path resourceRoot) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(resourceRoot.resolve(PACKAGE))) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = resourceRoot.relativize(file).toString().replace('\\', '/');
                if (name.contains("__pycache__/") || name.endsWith(".pyc")) {
                    continue;
                }
                files.put(name, Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static String checksum(Map<String, byte[]> files) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
        files.forEach((name, bytes) -> {
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(bytes);
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String versionOf(Map<String, byte[]> files) {
        Matcher m = VERSION.matcher(new String(files.get(PACKAGE + "/__init__.py"), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException(PACKAGE + "/__init__.py defines no VERSION = \"...\"");
        }
        return m.group(1);
    }

    /** Whether {@code target} holds exactly {@code files}, byte for byte. */
    private static boolean intact(Path target, Map<String, byte[]> files) throws IOException {
        Map<String, byte[]> found = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(target)) {
            for (Path file : walk.filter(p -> !Files.isDirectory(p)).toList()) {
                found.put(target.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        if (!found.keySet().equals(files.keySet())) {
            return false;
        }
        return files.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), found.get(e.getKey())));
    }

    /** Writes the files into a fresh folder beside {@code target}, makes them read-only, then renames it into place. */
    private static void write(Path root, Path target, Map<String, byte[]> files) throws IOException {
        Path staging = root.resolve(".extract-" + UUID.randomUUID());
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path file = staging.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, e.getValue());
            }
            readOnly(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } catch (FileAlreadyExistsException e) {
            // another worker on this home extracted the same checksum first: theirs is as good
        } catch (IOException e) {
            if (!Files.isDirectory(target)) {
                throw e;
            }
        } finally {
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
    }

    private static void readOnly(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                if (p.getParent() != null) {
                    p.getParent().toFile().setWritable(true);
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover staging or stale folder is harmless: its name is never used
        }
    }
}
