package org.text2image.worker.comfyui;

/**
 * Why a prompt did not succeed, from the {@code execution_error} or {@code execution_interrupted}
 * message of its history entry (or the WebSocket frame of the same name).
 *
 * @param interrupted true for {@code execution_interrupted} (someone called {@code /interrupt})
 * @param nodeId the node that failed, {@code ""} when unknown
 * @param nodeType its class, such as {@code KSampler}, {@code ""} when unknown
 * @param exceptionType the Python exception type, such as {@code torch.OutOfMemoryError};
 *     {@code ""} when interrupted
 * @param exceptionMessage the exception's message, trimmed; {@code ""} when interrupted
 */
public record PromptError(boolean interrupted, String nodeId, String nodeType, String exceptionType,
                          String exceptionMessage) {

    public PromptError {
        nodeId = nodeId == null ? "" : nodeId;
        nodeType = nodeType == null ? "" : nodeType;
        exceptionType = exceptionType == null ? "" : exceptionType;
        exceptionMessage = exceptionMessage == null ? "" : exceptionMessage.strip();
    }

    /** {@code "exception_type: exception_message"}, or {@code "interrupted"}. */
    public String text() {
        if (interrupted) {
            return "interrupted";
        }
        if (exceptionType.isEmpty()) {
            return exceptionMessage.isEmpty() ? "unknown error" : exceptionMessage;
        }
        return exceptionMessage.isEmpty() ? exceptionType : exceptionType + ": " + exceptionMessage;
    }
}
