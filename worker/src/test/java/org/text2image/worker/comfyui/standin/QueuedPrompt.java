package org.text2image.worker.comfyui.standin;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A prompt in the stand-in's queue: ComfyUI's queue item {@code [number, prompt_id, prompt, extra_data, outputs]}. */
record QueuedPrompt(int number, String promptId, ObjectNode graph, ObjectNode extraData, List<String> outputs) {

    /** The {@code client_id} from extra_data, or null (frames then go to every socket). */
    String clientId() {
        return extraData.path("client_id").isString() ? extraData.get("client_id").stringValue() : null;
    }

    ArrayNode item() {
        ArrayNode item = JsonNodeFactory.instance.arrayNode();
        item.add(number).add(promptId).add(graph).add(extraData);
        outputs.forEach(item.addArray()::add);
        return item;
    }
}
