package org.text2image.server.workers;

import java.util.List;
import org.springframework.context.ApplicationContext;
import org.text2image.server.generation.WorkerAvailability;

/** Records worker reports as a claim through the worker API would, for tests outside the workers package. */
public final class TestWorkers {

    private TestWorkers() {
    }

    /**
     * Ends every long-poll claim waiting at the server: a claim still in flight when a test's
     * worker stopped may wait there after the worker's cancel, and would take the next test's job.
     */
    public static void endWaitingClaims(ApplicationContext context) {
        context.getBeanProvider(ClaimWaiters.class).ifAvailable(ClaimWaiters::cancelAll);
    }

    /**
     * Records that {@code workerName} called in now.
     *
     * @param availability the application's {@link WorkerAvailability} (the workers module's presence)
     * @param backendReachable whether its ComfyUI answers
     * @param checkpoints the checkpoints its ComfyUI lists
     */
    public static void report(WorkerAvailability availability, String workerName, boolean backendReachable,
                              List<String> checkpoints) {
        ((WorkerPresence) availability).report(new WorkerPresence.Report(workerName, backendReachable, checkpoints,
                null, null, null, null, false, false), null);
    }

    /**
     * Records that {@code workerName} called in now with its ComfyUI answering, and what work it takes.
     *
     * @param runsLoras it has a LoRA folder
     * @param trains it takes LoRA trainings
     */
    public static void report(WorkerAvailability availability, String workerName, List<String> checkpoints,
                              boolean runsLoras, boolean trains) {
        ((WorkerPresence) availability).report(new WorkerPresence.Report(workerName, true, checkpoints,
                null, null, null, null, runsLoras, trains), null);
    }
}
