package dev.looplab.worker.fingerprint;

import java.lang.management.ManagementFactory;

/** The machine's load average, recorded around training so a slow or noisy run can be told from a busy machine. */
public final class LoadAverage {
    private LoadAverage() {
    }

    /** The 1-minute load average, or NaN where the platform does not report one. */
    public static double oneMinute() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }
}
