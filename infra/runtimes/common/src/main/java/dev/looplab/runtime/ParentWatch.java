package dev.looplab.runtime;

/**
 * Stops a carrier's child JVM when the process that started it is gone: a server orphaned by a
 * killed parent would hold its ports and data directory forever.
 */
public final class ParentWatch {

    /** System property by which the parent names its pid; without it nothing is watched. */
    public static final String PARENT_PID_PROPERTY = "looplab.parent.pid";

    /** Exit status when the parent is already gone at start. */
    public static final int PARENT_GONE_STATUS = 3;

    private ParentWatch() {
    }

    /**
     * Exits this JVM with status 0 once the parent exits, or at once with {@link #PARENT_GONE_STATUS}
     * when it is not running; {@code server} names what stops in the message ("the broker").
     */
    public static void exitWhenParentDies(String server) {
        exitWhenParentDies(server, System.getProperty(PARENT_PID_PROPERTY));
    }

    /**
     * The same for a Quarkus app, whose configuration refuses unknown {@code looplab.*} system properties: the
     * launcher names its pid in the environment variable {@link #PARENT_PID_ENV}.
     */
    public static void exitWhenLauncherDies(String app) {
        exitWhenParentDies(app, System.getenv(PARENT_PID_ENV));
    }

    /** Environment variable by which a launcher names its pid to the apps it starts. */
    public static final String PARENT_PID_ENV = "LOOPLAB_LAUNCHER_PID";

    private static void exitWhenParentDies(String server, String pid) {
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("Parent process " + pid + " exited; stopping " + server);
                    System.exit(0);
                }),
                () -> {
                    System.err.println("Parent process " + pid + " is not running; not starting " + server);
                    System.exit(PARENT_GONE_STATUS);
                });
    }
}
