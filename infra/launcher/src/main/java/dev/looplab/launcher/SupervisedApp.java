package dev.looplab.launcher;

import dev.looplab.infra.LocalPorts;

import java.nio.file.Path;

/**
 * An app under supervision: a restart starts a new process from the same spec, on the same HTTP port unless another
 * process took it meanwhile (then on a free one; the platform's port is fixed, it is the URL people open).
 */
final class SupervisedApp implements Supervisor.Supervised, AutoCloseable {
    private final boolean fixedPort;
    private volatile App app;

    private SupervisedApp(App app, boolean fixedPort) {
        this.app = app;
        this.fixedPort = fixedPort;
    }

    static SupervisedApp start(App.Spec spec, boolean fixedPort) {
        return new SupervisedApp(App.start(spec), fixedPort);
    }

    @Override
    public String name() {
        return app.name();
    }

    @Override
    public boolean isRunning() {
        return app.isAlive();
    }

    @Override
    public long pid() {
        App current = app;
        return current.isAlive() ? current.pid() : -1;
    }

    @Override
    public Path log() {
        return app.log();
    }

    int port() {
        return app.port();
    }

    App app() {
        return app;
    }

    @Override
    public String exitCause() {
        return Supervisor.exitCause(app.exitCode());
    }

    @Override
    public void restart() {
        App.Spec spec = app.spec();
        if (!fixedPort && !LocalPorts.isFree(spec.port())) {
            spec = spec.onPort(LocalPorts.free());
        }
        app = App.start(spec);
    }

    @Override
    public void close() {
        app.close();
    }
}
