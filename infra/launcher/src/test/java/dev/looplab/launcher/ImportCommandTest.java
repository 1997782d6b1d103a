package dev.looplab.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code looplab import}: its arguments, the lineage it names, and the zip it uploads. */
class ImportCommandTest {

    @TempDir
    Path tmp;

    @Test
    void givenABlackboardFolder_whenParsed_thenTheLineageIsNamedAfterTheRunFolder() {
        ImportCommand.Invocation first = ImportCommand.parse(List.of("arr", "runs/pg-mar10/blackboard"), tmp);
        ImportCommand.Invocation second = ImportCommand.parse(List.of("arr", "runs/pg-mar12/blackboard"), tmp);
        ImportCommand.Invocation plain = ImportCommand.parse(List.of("autoresearch", "autoresearch"), tmp);

        assertThat(first.lineage()).isEqualTo("arr-pg-mar10");
        assertThat(second.lineage()).isEqualTo("arr-pg-mar12");
        assertThat(plain.lineage()).isEqualTo("autoresearch-autoresearch");
    }

    @Test
    void givenScoreBranchAndGate_whenParsed_thenTheUploadQueryCarriesThem() {
        ImportCommand.Invocation invocation = ImportCommand.parse(List.of("autoresearch", "ar", "--branch",
                "exp/H100/mar8", "--score", "val_bpb", "--direction", "lower", "--gate=0.94"), tmp);

        assertThat(invocation.onServer()).isFalse();
        assertThat(invocation.query()).contains("format=autoresearch", "lineage=autoresearch-ar",
                "branch=exp%2FH100%2Fmar8", "score=val_bpb", "direction=lower", "gate=0.94",
                "source=" + java.net.URLEncoder.encode(tmp.resolve("ar").toString(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ImportCommand.parse(List.of("arr", "bb", "--on-server"), tmp).json())
                .contains("\"path\": \"" + tmp.resolve("bb") + "\"");
        assertThatThrownBy(() -> ImportCommand.parse(List.of("arr", "bb", "--direction", "down"), tmp))
                .hasMessageContaining("--direction down is not lower or higher");
        assertThatThrownBy(() -> ImportCommand.parse(List.of("arr", "bb", "--path", "/etc"), tmp))
                .hasMessageContaining("unknown option --path");
    }

    @Test
    void givenABlackboard_whenPacked_thenTheZipHoldsItsFilesRelativeToItWithoutCheckpoints() throws IOException {
        Path board = Files.createDirectories(tmp.resolve("run/blackboard"));
        Files.writeString(board.resolve("results.tsv"), "exp_id\tstatus\n");
        Files.createDirectories(board.resolve("snapshots/001_opt/__pycache__"));
        Files.writeString(board.resolve("snapshots/001_opt/train.py"), "LR = 1\n");
        Files.writeString(board.resolve("snapshots/001_opt/__pycache__/train.pyc"), "x");
        Files.write(board.resolve("snapshots/001_opt/model.pt"), new byte[5 * 1024 * 1024]);

        Path zip = ImportCommand.pack(board, "arr");

        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).containsExactlyInAnyOrder("results.tsv", "snapshots/001_opt/train.py");
        assertThatThrownBy(() -> ImportCommand.pack(tmp.resolve("nope"), "arr"))
                .hasMessageContaining("is not a folder");
    }
}
