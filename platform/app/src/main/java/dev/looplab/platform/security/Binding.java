package dev.looplab.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where the platform listens ({@code quarkus.http.host}, LOOPLAB_BIND) and whether that is this machine only. */
@ApplicationScoped
public class Binding {
    @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0")
    String host;

    private volatile Boolean loopback;

    public String host() {
        return host;
    }

    /** True when only this machine can connect (127.0.0.1, ::1, localhost). */
    public boolean loopbackOnly() {
        Boolean known = loopback;
        if (known == null) {
            known = isLoopback(host);
            loopback = known;
        }
        return known;
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host.strip())) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
