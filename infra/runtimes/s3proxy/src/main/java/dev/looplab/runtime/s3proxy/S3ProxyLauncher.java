package dev.looplab.runtime.s3proxy;

import dev.looplab.runtime.ParentWatch;

/**
 * Main class of S3Proxy's child JVM: runs {@code org.gaul.s3proxy.Main} with the given arguments
 * and exits when the JVM named by {@code -Dlooplab.parent.pid} is gone ({@link ParentWatch}).
 */
public final class S3ProxyLauncher {

    private S3ProxyLauncher() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.exitWhenParentDies("S3Proxy");
        org.gaul.s3proxy.Main.main(args);
    }
}
