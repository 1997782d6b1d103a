package dev.looplab.platform.task;

import dev.looplab.platform.security.Role;
import jakarta.annotation.security.RolesAllowed;
import dev.looplab.evaluation.task.TaskDefinition;
import dev.looplab.evaluation.task.UnknownTaskException;
import dev.looplab.platform.lineage.TaskService;
import dev.looplab.platform.run.RunScheduler;
import dev.looplab.platform.trial.TrialRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The built-in tasks (task.yaml of each recipe folder) as proposers need them. */
@RolesAllowed(Role.Names.VIEWER)
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    @Inject
    TaskService tasks;
    @Inject
    RunScheduler runs;
    @Inject
    TrialRepository trials;

    @GET
    public List<TaskView> list() {
        return tasks.all().stream().map(this::view).toList();
    }

    @GET
    @Path("/{name}")
    public TaskView task(@PathParam("name") String name) {
        try {
            return view(tasks.find(name));
        } catch (UnknownTaskException e) {
            throw new NotFoundException(e.getMessage());
        }
    }

    private TaskView view(TaskDefinition t) {
        String direction = QuarkusTransaction.requiringNew().call(() ->
                trials.findRoot(t.name()).map(root -> root.direction).orElse(null));
        return new TaskView(t.name(), t.description(), t.runtime().name(), t.entry(), t.command(),
                runs.trainBudgetSeconds(t.name()), t.trainBudgetSeconds(), t.evalBudgetSeconds(), t.artifactCapBytes(),
                t.keepThreshold(), t.gateAccuracy(), t.runs(), t.surfaces(), t.evaluatorOwned(), direction);
    }
}
