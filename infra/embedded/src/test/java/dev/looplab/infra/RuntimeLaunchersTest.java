package dev.looplab.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.looplab.runtime.ParentWatch;
import dev.looplab.runtime.kafka.KafkaRuntime;
import dev.looplab.runtime.s3proxy.S3ProxyRuntime;

/** The carriers' launchers as the embedded services start them: a child JVM on the carrier's classpath. */
class RuntimeLaunchersTest {

    static Stream<Arguments> launchers() {
        return Stream.of(
                Arguments.of("the broker", KafkaRuntime.classpathString(), KafkaRuntime.LAUNCHER_CLASS,
                        List.of("server.properties", "cluster-id")),
                Arguments.of("S3Proxy", S3ProxyRuntime.classpathString(), S3ProxyRuntime.LAUNCHER_CLASS,
                        List.of("--properties", "s3proxy.conf")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("launchers")
    void aLauncherWhoseParentIsGoneExitsBeforeStartingItsServer(String server, String classpath, String launcher,
                                                                List<String> args) throws Exception {
        // given a parent process that has already exited
        Process parent = new ProcessBuilder("true").start();
        assertThat(parent.waitFor(30, TimeUnit.SECONDS)).isTrue();

        // when the launcher is started on the carrier's classpath and told to watch it
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + ParentWatch.PARENT_PID_PROPERTY + "=" + parent.pid(), "-cp", classpath, launcher));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // then the parent watch (runtime-common, on the child's classpath) stops it with its own status
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("Parent process " + parent.pid() + " is not running; not starting " + server);
        assertThat(child.exitValue()).isEqualTo(ParentWatch.PARENT_GONE_STATUS);
    }
}
