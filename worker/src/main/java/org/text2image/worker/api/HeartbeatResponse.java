package org.text2image.worker.api;

/**
 * Answer of a heartbeat (HTTP 200). A 409 instead means the caller no longer holds the job: it
 * must stop the attempt and upload nothing.
 *
 * @param leaseSeconds seconds until the extended lease expires
 * @param cancelRequested whether the job was cancelled; the worker interrupts ComfyUI and stops
 */
public record HeartbeatResponse(long leaseSeconds, boolean cancelRequested) {
}
