package dev.looplab.worker;

import dev.looplab.runtime.djl.DjlRuntime;
import dev.looplab.worker.artifact.ArtifactStore;
import dev.looplab.worker.config.WorkerConfig;
import dev.looplab.worker.run.RunConsumer;
import dev.looplab.worker.run.TaskResolver;
import dev.looplab.worker.run.TrialEventPublisher;
import dev.looplab.worker.run.TrialRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** Starts the worker's run consumer when the app starts and stops it, trial included, on shutdown. */
@ApplicationScoped
public class WorkerLifecycle {
    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    @Inject
    WorkerConfig config;

    @Inject
    TaskResolver tasks;

    private TrialEventPublisher events;
    private RunConsumer consumer;

    void onStart(@Observes StartupEvent event) {
        String workerId = workerId();
        ArtifactStore artifacts = ArtifactStore.connect(config.s3().endpoint(), config.s3().accessKey(),
                config.s3().secretKey(), config.s3().region(), config.s3().bucket(),
                config.s3().partSizeMib() * 1024L * 1024L);
        artifacts.ensureBucket();
        events = new TrialEventPublisher(config.kafka().bootstrap(), workerId);
        TrialRunner runner = new TrialRunner(new TrialRunner.Settings(workerId, config.home().toAbsolutePath(),
                config.worker().threads(), Duration.ofSeconds(config.worker().minGraceSeconds()),
                config.worker().keepWorkDirs(), DjlRuntime::classpathString), tasks, artifacts, events);
        consumer = new RunConsumer(config.kafka().bootstrap(), workerId, runner::run);
        consumer.start();
        LOG.infof("worker %s started: home %s, artifacts in bucket %s", workerId, config.home().toAbsolutePath(),
                config.s3().bucket());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (consumer != null) {
            consumer.close();
        }
        if (events != null) {
            events.close();
        }
    }

    /** {@code looplab.worker.id}, or {@code <hostname>-<pid>} so workers on one machine differ. */
    public String workerId() {
        return config.worker().id().orElseGet(() -> hostname() + "-" + ProcessHandle.current().pid());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}
