package dev.looplab.launcher;

import dev.looplab.infra.EmbeddedService;

import java.nio.file.Path;

/** An embedded Kafka, PostgreSQL or S3 server under supervision; it restarts on its own port and data dir. */
record SupervisedService(EmbeddedService service) implements Supervisor.Supervised {

    @Override
    public String name() {
        return service.name();
    }

    @Override
    public boolean isRunning() {
        return service.isRunning();
    }

    @Override
    public long pid() {
        return service.pid();
    }

    @Override
    public Path log() {
        return service.logFile();
    }

    @Override
    public String exitCause() {
        return Supervisor.exitCause(service.exitCode());
    }

    @Override
    public void restart() {
        service.restart();
    }
}
