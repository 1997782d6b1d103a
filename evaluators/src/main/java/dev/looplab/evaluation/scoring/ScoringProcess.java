package dev.looplab.evaluation.scoring;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A task's scoring process (a recipe in score mode, or a task's scoring module) running as a child:
 * each {@link #exchange} sends one request frame the task built and reads back a fixed number of
 * float32 BE values; stderr is kept as a tail for feedback.
 */
public final class ScoringProcess implements AutoCloseable {
    private static final int STDERR_TAIL_LINES = 40;

    private final Process process;
    private final DataOutputStream stdin;
    private final DataInputStream stdout;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stderrPump;

    private ScoringProcess(Process process) {
        this.process = process;
        this.stdin = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.stdout = new DataInputStream(process.getInputStream());
        this.stderrPump = new Thread(() -> pump(process.getErrorStream()), "score-stderr-" + process.pid());
        this.stderrPump.setDaemon(true);
        this.stderrPump.start();
    }

    /** Starts {@code command} in {@code workDir} with {@code extraEnv} added to this JVM's environment. */
    public static ScoringProcess start(List<String> command, Path workDir, Map<String, String> extraEnv)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(extraEnv);
        return new ScoringProcess(builder.start());
    }

    /**
     * Sends one request frame as it is and reads back {@code floats} float32 BE values: the framing
     * of any score mode that answers each request with a fixed number of floats.
     */
    public float[] exchange(byte[] frame, int floats, String what) throws IOException {
        stdin.write(frame);
        stdin.flush();
        byte[] raw = new byte[floats * Float.BYTES];
        try {
            stdout.readFully(raw);
        } catch (java.io.EOFException e) {
            throw new IOException("the recipe's score mode ended before answering a frame of " + what
                    + " (exit " + exitCodeOrRunning() + ")", e);
        }
        float[] values = new float[floats];
        ByteBuffer.wrap(raw).asFloatBuffer().get(values);
        return values;
    }

    /**
     * Closes stdin (end of frames) and requires a clean exit within {@code seconds}: exit code 0 and
     * nothing on stdout beyond the answers.
     */
    public void finish(long seconds) throws IOException, InterruptedException {
        stdin.close();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the recipe's score mode did not exit within " + seconds + " s after stdin closed");
        }
        if (stdout.read() != -1) {
            throw new IOException("the recipe's score mode wrote more to stdout than the logits it was asked for");
        }
        int exit = process.exitValue();
        if (exit != 0) {
            throw new IOException("score mode exited with code " + exit + " after answering every frame");
        }
    }

    /** The last lines the child wrote to stderr, for feedback. */
    public String stderrTail() {
        try {
            // the pump may still be copying the final lines of a process that just died
            stderrPump.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    public long pid() {
        return process.pid();
    }

    private String exitCodeOrRunning() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void pump(InputStream err) {
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the child died; whatever was read is the tail
        }
    }

    /** Kills the child and its descendants if still running. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
