package org.text2image.worker.comfyui.standin;

import tools.jackson.databind.node.ObjectNode;

/**
 * A prompt the stand-in accepted with {@code POST /prompt} (HTTP 200), in submission order.
 *
 * @param promptId the prompt id (sent or generated)
 * @param clientId the {@code client_id} sent with it, or null when none was sent
 * @param graph a copy of the API-format graph
 * @param number ComfyUI's queue number (0, 1, 2, … per stand-in)
 */
public record SubmittedPrompt(String promptId, String clientId, ObjectNode graph, int number) {
}
