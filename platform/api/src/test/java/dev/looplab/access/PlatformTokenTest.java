package dev.looplab.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformTokenTest {
    @TempDir
    Path tmp;

    @Test
    void givenASecretWrittenToAFile_whenRead_thenItIsTheSameToken_andTheFileIsTheOwnersOnly() throws Exception {
        String secret = PlatformToken.newSecret();
        Path file = tmp.resolve("admin.token");

        PlatformToken.write(file, secret);
        PlatformToken token = PlatformToken.of(null, file.toString()).orElseThrow();

        assertThat(token.secret()).isEqualTo(secret);
        assertThat(token.bearer()).isEqualTo("Bearer " + secret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token.toString()).doesNotContain(secret);
    }

    @Test
    void givenBothASecretAndAFile_thenTheSecretWins_andNeitherMeansNoToken() {
        assertThat(PlatformToken.of(" llt_x ", "/nonexistent").orElseThrow().secret()).isEqualTo("llt_x");
        assertThat(PlatformToken.of("", " ")).isEmpty();
    }

    @Test
    void givenAMissingFile_thenTheMessageNamesItAndTheSettings() {
        assertThatThrownBy(() -> PlatformToken.of(null, tmp.resolve("none").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none").hasMessageContaining("LOOPLAB_TOKEN_FILE");
    }
}
