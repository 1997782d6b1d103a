package dev.looplab.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {
    private final RestartPolicy policy = RestartPolicy.DEFAULT;

    @Test
    void givenCrashesInARow_thenTheWaitDoublesFromOneSecondUpToThirtySeconds() {
        List<Long> waits = IntStream.rangeClosed(1, 8).mapToObj(n -> policy.delay(n, false).toSeconds()).toList();

        assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void givenACrashLoop_thenTheWaitIsThirtySecondsWhateverTheCount() {
        assertThat(policy.delay(1, true)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.delay(5, true)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void givenFiveCrashesWithinTwoMinutes_thenItIsALoop_andFourOrOlderOnesAreNot() {
        Instant now = Instant.parse("2030-01-01T12:00:00Z");
        List<Instant> fiveIn90s = List.of(now.minusSeconds(90), now.minusSeconds(60), now.minusSeconds(30),
                now.minusSeconds(10), now);
        List<Instant> fourIn90s = fiveIn90s.subList(1, 5);
        List<Instant> fiveOverThreeMinutes = List.of(now.minusSeconds(180), now.minusSeconds(60), now.minusSeconds(30),
                now.minusSeconds(10), now);

        assertThat(policy.isLooping(fiveIn90s, now)).isTrue();
        assertThat(policy.isLooping(fourIn90s, now)).isFalse();
        assertThat(policy.isLooping(fiveOverThreeMinutes, now)).isFalse();
    }
}
