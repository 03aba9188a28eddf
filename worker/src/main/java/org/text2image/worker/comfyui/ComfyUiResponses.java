package org.text2image.worker.comfyui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Reads ComfyUI's JSON answers into the worker's records (shapes in docs/COMFYUI.md and the fixtures). */
final class ComfyUiResponses {

    /** Longest validation message kept; the server stores at most 1000 characters of a reason. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private ComfyUiResponses() {
    }

    /**
     * One clause per node error, {@code "<class_type> (node <id>): <message>: <details>"}, joined
     * with {@code "; "}; {@code error.message (error.details)} when {@code node_errors} is empty.
     */
    static String validationMessage(JsonNode body) {
        List<String> missingFiles = new ArrayList<>();
        List<String> clauses = new ArrayList<>();
        for (Map.Entry<String, JsonNode> node : body.path("node_errors").properties()) {
            String where = node.getValue().path("class_type").asString("node") + " (node " + node.getKey() + ")";
            for (JsonNode error : node.getValue().path("errors")) {
                Optional<String> missing = missingModelFile(error);
                if (missing.isPresent()) {
                    missingFiles.add(missing.get());
                } else {
                    clauses.add(where + ": " + join(error.path("message").asString(""), error.path("details").asString("")));
                }
            }
        }
        if (!missingFiles.isEmpty()) {
            clauses.addFirst("This GPU worker does not have the model file" + (missingFiles.size() > 1 ? "s " : " ")
                    + String.join(", ", missingFiles) + " installed, so it cannot run this job.");
        }
        String message = clauses.isEmpty()
                ? withDetails(body.path("error").path("message").asString(""), body.path("error").path("details").asString(""))
                : String.join(" ", clauses);
        return truncate(message.isBlank() ? "ComfyUI rejected the prompt" : message);
    }

    /**
     * The file a {@code value_not_in_list} error names when the input picks a model file
     * ({@code ckpt_name}, {@code lora_name}, {@code vae_name}, … — ComfyUI's loaders list the
     * installed files as the input's options): a checkpoint or LoRA that is not installed.
     */
    private static Optional<String> missingModelFile(JsonNode error) {
        JsonNode extra = error.path("extra_info");
        if (!error.path("type").asString("").equals("value_not_in_list")
                || !extra.path("input_name").asString("").endsWith("_name") || !extra.path("received_value").isString()) {
            return Optional.empty();
        }
        return Optional.of(extra.path("received_value").asString());
    }

    private static String join(String message, String details) {
        return details.isBlank() || details.equals(message) ? message : message + ": " + details;
    }

    private static String withDetails(String message, String details) {
        return details.isBlank() || details.equals(message) ? message : message + " (" + details + ")";
    }

    static String truncate(String text) {
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }

    /**
     * Output keys whose entries are files ({@code {"filename", "subfolder", "type"}}): core ComfyUI's
     * save nodes report under {@code images}; VideoHelperSuite's {@code VHS_VideoCombine} reports its
     * video under {@code gifs} (the same shape plus {@code format}, such as {@code video/h264-mp4}).
     */
    static final List<String> FILE_KEYS = List.of("images", "gifs");

    /**
     * The entry for {@code promptId} of a {@code /history/{id}} answer, empty for {@code {}}. Files are
     * taken from every {@link #FILE_KEYS} key of every output node, in node order, {@code images} first.
     */
    static Optional<PromptHistory> history(String promptId, JsonNode body) {
        JsonNode entry = body.get(promptId);
        if (entry == null || !entry.isObject()) {
            return Optional.empty();
        }
        List<ImageRef> images = new ArrayList<>();
        for (Map.Entry<String, JsonNode> output : entry.path("outputs").properties()) {
            for (String key : FILE_KEYS) {
                for (JsonNode image : output.getValue().path(key)) {
                    if (image.path("filename").isString()) {
                        images.add(new ImageRef(image.get("filename").stringValue(),
                                image.path("subfolder").asString(""), image.path("type").asString("output")));
                    }
                }
            }
        }
        JsonNode status = entry.path("status");
        Optional<PromptError> error = Optional.empty();
        for (JsonNode message : status.path("messages")) {
            String event = message.path(0).asString("");
            if (event.equals("execution_error") || event.equals("execution_interrupted")) {
                error = Optional.of(error(event, message.path(1)));
            }
        }
        return Optional.of(new PromptHistory(promptId, status.path("status_str").asString(""),
                status.path("completed").asBoolean(false), images, error));
    }

    /** The error carried by an {@code execution_error} or {@code execution_interrupted} message's data. */
    static PromptError error(String event, JsonNode data) {
        return new PromptError("execution_interrupted".equals(event), data.path("node_id").asString(""),
                data.path("node_type").asString(""), data.path("exception_type").asString(""),
                data.path("exception_message").asString(""));
    }

    static QueueState queue(JsonNode body) {
        return new QueueState(ids(body.path("queue_running")), ids(body.path("queue_pending")));
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : items) {
            // [number, prompt_id, prompt, extra_data, outputs_to_execute]
            if (item.path(1).isString()) {
                ids.add(item.get(1).stringValue());
            }
        }
        return ids;
    }

    static SystemStats systemStats(JsonNode body) {
        List<SystemStats.Device> devices = new ArrayList<>();
        for (JsonNode device : body.path("devices")) {
            devices.add(new SystemStats.Device(device.path("name").asString(""),
                    device.path("vram_total").asLong(0), device.path("vram_free").asLong(0)));
        }
        return new SystemStats(body.path("system").path("comfyui_version").asString(""), devices);
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            if (value.isString()) {
                values.add(value.stringValue());
            }
        }
        return values;
    }
}
