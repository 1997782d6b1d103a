package dev.looplab.worker.run;

/** Finds a task's {@link TaskSetup} by name. */
@FunctionalInterface
public interface TaskResolver {

    /** @throws RuntimeException with a message naming the task and the fix when it is unknown */
    TaskSetup resolve(String task);
}
