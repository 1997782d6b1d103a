package dev.looplab.lineage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A lineage on a real, tiny file system (a 2 MB tmpfs): when the disk fills up or turns read-only, recording a
 * trial fails with a retriable error that says what to do, leaves no ref, lock or broken object behind, and
 * succeeds once the disk is fixed. Mounting needs root, as CI runs the build.
 */
class FullDiskTest {
    @TempDir
    Path temp;

    private Path mount;
    private LineageStore store;

    @BeforeEach
    void mountATinyDisk() throws Exception {
        mount = Files.createDirectories(temp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("mount a 2 MB tmpfs for the lineage (needs root, as CI runs): %s", out).isZero();
        store = LineageStore.open(mount.resolve("golf-mini.git"));
        store.initRoot("t0", Recipes.write(temp.resolve("recipe")), "Baseline");
    }

    @AfterEach
    void unmount() throws Exception {
        if (store != null) {
            store.close();
        }
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }

    @Test
    void givenAFullDisk_whenATrialIsRecorded_thenTheErrorSaysSoAndNothingIsHalfWritten_andItWorksOnceFreed()
            throws Exception {
        Path filler = mount.resolve("filler");
        fill(filler);

        assertThatThrownBy(() -> store.recordTrial(spec("t1")))
                .isInstanceOf(LineageIoException.class)
                .satisfies(e -> assertThat(((LineageException) e).isRetriable()).isTrue())
                .hasMessageContaining("the disk is full");
        assertNothingHalfWritten();

        Files.delete(filler);
        assertThat(store.recordTrial(spec("t1")).trialId()).isEqualTo("t1");
        assertThat(git().run("fsck", "--full")).doesNotContain("error");
    }

    @Test
    void givenAReadOnlyDisk_whenATrialIsRecorded_thenTheErrorSaysSo_andItWorksOnceWritable() throws Exception {
        remount("ro");
        try {
            assertThatThrownBy(() -> store.recordTrial(spec("t1")))
                    .isInstanceOf(LineageIoException.class)
                    .hasMessageContaining("does not take writes");
        } finally {
            remount("rw");
        }
        assertNothingHalfWritten();
        assertThat(store.recordTrial(spec("t1")).trialId()).isEqualTo("t1");
    }

    private void assertNothingHalfWritten() {
        GitCli git = git();
        assertThat(git.tryRun("rev-parse", "--verify", "--quiet", "refs/heads/trial/t1").exit()).isNotZero();
        assertThat(git.run("fsck", "--full")).doesNotContain("error");
        try (var files = Files.walk(mount.resolve("golf-mini.git/refs"))) {
            assertThat(files.map(Path::toString).filter(f -> f.endsWith(".lock")).toList()).isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private GitCli git() {
        return new GitCli(mount.resolve("golf-mini.git"));
    }

    private TrialSpec spec(String id) {
        String recipe = Recipes.recipeText();
        String edited = recipe.replace("KNOB_7 = 7;", "KNOB_7 = 70;");
        return new TrialSpec(id, "t0", "c", "optimizer", "optimizer", "KNOB_7 up",
                dev.looplab.diff.UnifiedDiff.of(Recipes.RECIPE, recipe, edited));
    }

    private void remount(String mode) throws Exception {
        Process p = new ProcessBuilder("mount", "-o", "remount," + mode, mount.toString()).start();
        assertThat(p.waitFor()).as("remount %s", mode).isZero();
    }

    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1_000; i++) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full now
            return;
        }
        throw new IllegalStateException("64 MB fit on a 2 MB disk");
    }
}
