package dev.looplab.worker.sandbox;

/**
 * What one confined process tree may use: resident memory, live processes and the size of any one
 * file it writes. {@link #NONE} sets no limit.
 */
public record SandboxLimits(long memoryMiB, int processes, long fileSizeMiB) {

    /** A worker's limits unless configured (looplab.worker.memory-mib, processes, file-size-mib). */
    public static final long DEFAULT_MEMORY_MIB = 4096;
    public static final int DEFAULT_PROCESSES = 1024;
    public static final long DEFAULT_FILE_SIZE_MIB = 2048;

    /** No limits (trusted commands in tests). */
    public static final SandboxLimits NONE = new SandboxLimits(0, 0, 0);

    public SandboxLimits {
        if (memoryMiB < 0 || processes < 0 || fileSizeMiB < 0) {
            throw new IllegalArgumentException("sandbox limits must be >= 0 (0 = unlimited), got memory "
                    + memoryMiB + " MiB, processes " + processes + ", file size " + fileSizeMiB + " MiB");
        }
    }

    public boolean limitsMemory() {
        return memoryMiB > 0;
    }

    public boolean limitsProcesses() {
        return processes > 0;
    }

    public boolean limitsFileSize() {
        return fileSizeMiB > 0;
    }

    long memoryBytes() {
        return memoryMiB * 1024L * 1024L;
    }

    long fileSizeBytes() {
        return fileSizeMiB * 1024L * 1024L;
    }

    /** For fingerprints and logs, e.g. {@code mem=4096 MiB, procs=256, fsize=2048 MiB}. */
    public String describe() {
        return "mem=" + (limitsMemory() ? memoryMiB + " MiB" : "unlimited")
                + ", procs=" + (limitsProcesses() ? processes : "unlimited")
                + ", fsize=" + (limitsFileSize() ? fileSizeMiB + " MiB" : "unlimited");
    }
}
