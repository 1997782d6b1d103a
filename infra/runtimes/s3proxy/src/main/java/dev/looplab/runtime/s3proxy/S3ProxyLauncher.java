package dev.looplab.runtime.s3proxy;

/**
 * Main class of S3Proxy's child JVM: runs {@code org.gaul.s3proxy.Main} with the given arguments
 * and exits when the JVM named by {@code -Dlooplab.parent.pid} is gone.
 */
public final class S3ProxyLauncher {

    /** System property naming the process whose death stops this server. */
    public static final String PARENT_PID_PROPERTY = "looplab.parent.pid";

    private S3ProxyLauncher() {
    }

    public static void main(String[] args) throws Exception {
        exitWhenParentDies();
        org.gaul.s3proxy.Main.main(args);
    }

    // A server orphaned by a killed parent would hold its port forever.
    static void exitWhenParentDies() {
        String pid = System.getProperty(PARENT_PID_PROPERTY);
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("Parent process " + pid + " exited; stopping S3Proxy");
                    System.exit(0);
                }),
                () -> {
                    System.err.println("Parent process " + pid + " is not running; not starting S3Proxy");
                    System.exit(3);
                });
    }
}
