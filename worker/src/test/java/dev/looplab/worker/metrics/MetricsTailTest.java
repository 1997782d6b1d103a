package dev.looplab.worker.metrics;

import dev.looplab.events.MetricPoint;
import dev.looplab.worker.metrics.MetricsTail.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker's side of the metrics protocol: a file a recipe appends to, read while it grows. */
class MetricsTailTest {
    private static final Settings FAST = new Settings(1_000, Duration.ofMillis(300), Duration.ofMillis(20),
            1_024, 1_000_000);

    @TempDir
    Path dir;

    private final List<List<MetricPoint>> batches = new CopyOnWriteArrayList<>();

    private Path metrics() {
        return dir.resolve("metrics.jsonl");
    }

    @Test
    void pointsWrittenWhileTrainingArriveBeforeTheRecipeEnds() throws Exception {
        // given a tail on a file that does not exist yet
        try (MetricsTail tail = MetricsTail.start(metrics(), FAST, batches::add)) {
            // when the recipe writes two points
            append(line(1, "train_loss", 5.5, 0.1) + line(2, "train_loss", 5.25, 0.2));

            // then they arrive within the batch delay, while the tail still runs
            await().atMost(Duration.ofSeconds(5)).until(() -> points().size() == 2);
        }
        assertThat(points()).containsExactly(new MetricPoint(1, "train_loss", 5.5, 0.1),
                new MetricPoint(2, "train_loss", 5.25, 0.2));
    }

    @Test
    void aLineSplitAcrossWritesIsReadOnceWholeAndAnUnterminatedLastLineIsDrainedAtTheEnd() throws Exception {
        MetricsTail tail = MetricsTail.start(metrics(), FAST, batches::add);
        // given a whole line and the first piece of the next, read by the tail (the whole line arrived)
        String split = line(2, "lr", 0.001, 0.5);
        append(line(1, "lr", 0.0005, 0.25) + split.substring(0, 20));
        await().atMost(Duration.ofSeconds(5)).until(() -> points().size() == 1);
        // and then the rest of that line and a last line that the recipe never terminated
        append(split.substring(20));
        append("{\"step\":3,\"name\":\"lr\",\"value\":0.002,\"wallclock\":0.75}");

        // when training ends
        tail.close();

        // then all points arrived, whole, and nothing was rejected
        assertThat(points()).containsExactly(new MetricPoint(1, "lr", 0.0005, 0.25),
                new MetricPoint(2, "lr", 0.001, 0.5), new MetricPoint(3, "lr", 0.002, 0.75));
        assertThat(tail.summary().points()).isEqualTo(3);
        assertThat(tail.summary().rejectedLines()).isZero();
    }

    @Test
    void garbageLinesAreCountedWithTheFirstReasonAndTheGoodLinesStillCount() throws Exception {
        MetricsTail tail = MetricsTail.start(metrics(), FAST, batches::add);
        // given a file mixing good lines with what a careless or hostile recipe writes
        append("val_bpb 0.01 (my own score)\n"
                + line(1, "train_loss", 4.0, 1.0)
                + "{\"step\":2,\"name\":\"train_loss\",\"value\":null,\"wallclock\":2.0}\n"
                + "{\"step\":-3,\"name\":\"x\",\"value\":1,\"wallclock\":2.0}\n"
                + "[1,2,3]\n"
                + "\n"
                + "{\"step\":4,\"name\":\"" + "n".repeat(300) + "\",\"value\":1,\"wallclock\":2.0}\n"
                + "{\"step\":5,\"name\":\"a\",\"value\":1,\"wallclock\":2.0}" + " ".repeat(2_000) + "\n"
                + line(6, "train_loss", 3.5, 3.0));

        // when training ends
        tail.close();

        // then only the good points were handed on and each bad line was counted once
        assertThat(points()).extracting(MetricPoint::step).containsExactly(1L, 6L);
        MetricsTail.Summary summary = tail.summary();
        assertThat(summary.rejectedLines()).isEqualTo(6);
        assertThat(summary.firstRejection()).startsWith("not JSON: val_bpb 0.01");
        assertThat(summary.describe()).isEqualTo("2 metric points, 6 metric lines rejected (first: "
                + summary.firstRejection() + ")");
    }

    @Test
    void pointsAreHandedOnInBatchesOfAtMostTheBatchSize() throws Exception {
        // given a batch size of 3
        Settings small = new Settings(3, Duration.ofSeconds(60), Duration.ofMillis(20), 1_024, 1_000_000);
        MetricsTail tail = MetricsTail.start(metrics(), small, batches::add);
        StringBuilder text = new StringBuilder();
        for (int step = 1; step <= 7; step++) {
            text.append(line(step, "train_loss", 1.0 / step, step));
        }

        // when seven points are written and training ends
        append(text.toString());
        tail.close();

        // then they came in batches of 3, 3 and the rest, in order
        assertThat(batches).extracting(List::size).containsExactly(3, 3, 1);
        assertThat(points()).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void pointsPastTheCapAreDroppedAndCounted() throws Exception {
        Settings capped = new Settings(1_000, Duration.ofSeconds(60), Duration.ofMillis(20), 1_024, 5);
        MetricsTail tail = MetricsTail.start(metrics(), capped, batches::add);
        StringBuilder text = new StringBuilder();
        for (int step = 1; step <= 8; step++) {
            text.append(line(step, "loss", step, step));
        }

        append(text.toString());
        tail.close();

        assertThat(points()).hasSize(5);
        assertThat(tail.summary().droppedPoints()).isEqualTo(3);
        assertThat(tail.summary().describe()).contains("3 points dropped past the cap");
    }

    @Test
    void aSinkThatFailsDoesNotStopTheTail() throws Exception {
        // given a sink that fails on its first batch
        Settings one = new Settings(1, Duration.ofSeconds(60), Duration.ofMillis(20), 1_024, 1_000_000);
        MetricsTail tail = MetricsTail.start(metrics(), one, points -> {
            if (batches.isEmpty()) {
                batches.add(List.of());
                throw new IllegalStateException("broker down");
            }
            batches.add(points);
        });

        append(line(1, "loss", 1, 1) + line(2, "loss", 2, 2));
        tail.close();

        assertThat(points()).extracting(MetricPoint::step).containsExactly(2L);
        assertThat(tail.summary().points()).isEqualTo(2);
    }

    @Test
    void theSummaryIsOnlyKnownAfterTheTailIsClosed() {
        MetricsTail tail = MetricsTail.start(metrics(), FAST, batches::add);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(tail::summary)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("close it first");
        } finally {
            tail.close();
        }
        assertThat(tail.summary().points()).isZero();
    }

    private List<MetricPoint> points() {
        return batches.stream().flatMap(List::stream).toList();
    }

    private void append(String text) throws IOException {
        Files.writeString(metrics(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String line(long step, String name, double value, double wallclock) {
        return "{\"step\":" + step + ",\"name\":\"" + name + "\",\"value\":" + value + ",\"wallclock\":" + wallclock
                + "}\n";
    }
}
