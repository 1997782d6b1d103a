package dev.looplab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Picks TCP ports on 127.0.0.1, remembering them in a service's directory so restarts keep them. */
public final class LocalPorts {

    private LocalPorts() {
    }

    /** Returns a port that was free a moment ago. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port on 127.0.0.1", e);
        }
    }

    /** True when nothing listens on {@code port} of 127.0.0.1 now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Returns {@code requested} when it is not 0; else the port remembered in {@code file} when it is
     * free again; else a new free port. The chosen port is written to {@code file} when one is given.
     */
    static int choose(int requested, Path file) {
        int port = requested;
        if (port == 0 && file != null && Files.isRegularFile(file)) {
            int remembered = read(file);
            if (remembered > 0 && isFree(remembered)) {
                port = remembered;
            }
        }
        if (port == 0) {
            port = free();
        }
        if (file != null) {
            try {
                Files.writeString(file, Integer.toString(port), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + file, e);
            }
        }
        return port;
    }

    private static int read(Path file) {
        try {
            return Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
