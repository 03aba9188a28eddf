package org.text2image.server.generation;

/**
 * One model's jobs over a period, for the admin's Models page.
 *
 * @param jobs jobs submitted for it
 * @param succeeded of those, succeeded
 * @param failed of those, failed (after their retries)
 * @param medianRunSeconds median run time of the succeeded jobs' last attempt, in seconds; null without one
 */
public record ModelFigures(String modelId, long jobs, long succeeded, long failed, Double medianRunSeconds) {

    /** Failed ÷ finished (succeeded + failed), 0 … 1; null when none finished. */
    public Double failureRate() {
        long finished = succeeded + failed;
        return finished == 0 ? null : (double) failed / finished;
    }
}
