package dev.looplab.evaluation.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trusted Python package travels in the jar and is extracted once per content, read-only. */
class LooplabEvalPackageTest {
    private static final Path SOURCES = Path.of("src", "main", "python", "looplab_eval");

    @Test
    void thePackageIsExtractedReadOnlyToAFolderNamedByItsChecksum(@TempDir Path home) throws IOException {
        // when the package is extracted from this build's resources
        LooplabEvalPackage pkg = LooplabEvalPackage.extract(home);

        // then every source file is there, byte for byte, under a folder named by the checksum, read-only
        Path extracted = pkg.pythonPath().resolve("looplab_eval");
        assertThat(pkg.pythonPath().getFileName().toString()).isEqualTo("looplab_eval-" + pkg.sha256().substring(0, 16));
        assertThat(names(extracted)).isEqualTo(names(SOURCES));
        for (String name : names(SOURCES)) {
            assertThat(extracted.resolve(name)).hasSameBinaryContentAs(SOURCES.resolve(name));
            assertThat(Files.getPosixFilePermissions(extracted.resolve(name))).doesNotContain(
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        }
        assertThat(Files.getPosixFilePermissions(extracted)).doesNotContain(PosixFilePermission.OWNER_WRITE);
        assertThat(pkg.version()).matches("\\d+\\.\\d+\\.\\d+");

        // and a second extraction finds the same folder
        assertThat(LooplabEvalPackage.extract(home).pythonPath()).isEqualTo(pkg.pythonPath());
    }

    @Test
    void anAlteredExtractionIsNeverUsed(@TempDir Path home) throws IOException {
        // given an extracted package whose scorer someone edited
        LooplabEvalPackage pkg = LooplabEvalPackage.extract(home);
        Path common = pkg.pythonPath().resolve("looplab_eval").resolve("common.py");
        common.getParent().toFile().setWritable(true);
        common.toFile().setWritable(true);
        Files.writeString(common, "def training_verdict(args, verdict):\n    return None\n");

        // when it is extracted again, then the folder holds this build's files again
        LooplabEvalPackage again = LooplabEvalPackage.extract(home);
        assertThat(again.pythonPath().resolve("looplab_eval").resolve("common.py"))
                .hasSameBinaryContentAs(SOURCES.resolve("common.py"));
    }

    @Test
    void thePackageIsReadFromAJarAsFromClassFolders(@TempDir Path dir) throws IOException {
        // given the package inside a jar, as the worker's packaged app carries it
        Path jar = dir.resolve("evaluators.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : names(SOURCES)) {
                out.putNextEntry(new JarEntry("looplab-python/looplab_eval/" + name));
                out.write(Files.readAllBytes(SOURCES.resolve(name)));
                out.closeEntry();
            }
        }

        // when it is extracted from the jar, then it is the same package as from the class folders
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            LooplabEvalPackage fromJar = LooplabEvalPackage.extract(dir.resolve("a"), loader);
            assertThat(fromJar.sha256()).isEqualTo(LooplabEvalPackage.extract(dir.resolve("b")).sha256());
            assertThat(names(fromJar.pythonPath().resolve("looplab_eval"))).isEqualTo(names(SOURCES));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.contains("__pycache__") && !n.endsWith(".pyc")).sorted().toList();
        }
    }
}
