package org.text2image.worker.comfyui.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Executes queued prompts one at a time, in order, on its own thread, sending the frames ComfyUI
 * sends (ws_modelfree.jsonl, ws_modelfree2.jsonl, ws_oom.jsonl, scenario_queue_interrupt.json):
 * status, execution_start, execution_cached, then per node executing, progress (sampler steps),
 * executed (outputs); then execution_success / execution_error / execution_interrupted, the
 * history entry, status, and last {@code executing} with {@code node: null}.
 */
final class StandInRunner implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StandInRunner.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A preview frame: event type 1 (preview image), format 2 (PNG), a 64×64 PNG (docs/COMFYUI.md, "WebSocket"). */
    private static final byte[] PREVIEW_FRAME = previewFrame(Pngs.solid(64, 64, 0x336699));

    private final StandInState state;
    private final StandInSockets sockets;
    private final StandInImages images;

    StandInRunner(StandInState state, StandInSockets sockets) {
        this.state = state;
        this.sockets = sockets;
        this.images = new StandInImages(state);
    }

    private static byte[] previewFrame(byte[] png) {
        return java.nio.ByteBuffer.allocate(8 + png.length).putInt(1).putInt(2).put(png).array();
    }

    @Override
    public void run() {
        while (true) {
            StandInState.Run run;
            try {
                run = state.takeNext();
            } catch (InterruptedException e) {
                return;
            }
            if (run == null) {
                return;
            }
            try {
                new Execution(run).execute();
            } catch (RuntimeException e) {
                log.error("stand-in failed to run prompt {}", run.prompt().promptId(), e);
                new Execution(run).error("", "", List.of(), "Exception", "stand-in failure: " + e);
            }
        }
    }

    /** One prompt's run; collects the status messages its history entry keeps. */
    private final class Execution {
        private final StandInState.Run run;
        private final QueuedPrompt prompt;
        private final Graph graph;
        private final ArrayNode messages = NODES.arrayNode();
        private long start;
        private int slot;

        Execution(StandInState.Run run) {
            this.run = run;
            this.prompt = run.prompt();
            this.graph = new Graph(prompt.graph());
        }

        void execute() {
            sockets.broadcast(StandInSockets.statusFrame(state.queueRemaining(), null));
            message("execution_start", withTime(data()));
            if (run.cachedOutputs() != null) {
                ArrayNode all = NODES.arrayNode();
                graph.executionOrder().forEach(all::add);
                message("execution_cached", withTime(data().set("nodes", all)));
                for (Map.Entry<String, JsonNode> output : run.cachedOutputs().properties()) {
                    send(executed(output.getKey(), (ObjectNode) output.getValue()));
                }
                succeed(run.cachedOutputs());
                return;
            }
            message("execution_cached", withTime(data().set("nodes", NODES.arrayNode())));
            List<String> order = graph.executionOrder();
            int steps = order.stream().mapToInt(graph::steps).sum();
            // The run takes its duration on the dot: each node and step ends on a fixed schedule from
            // the start, so pause overshoot and the stand-in's own PNG encoding do not add up.
            Duration unit = run.duration().dividedBy(Math.max(1, order.size() + steps));
            start = System.nanoTime();
            String target = order.stream().filter(id -> Graph.SAMPLER_TYPES.contains(graph.classType(id)))
                    .findFirst().orElse(order.getFirst());
            ObjectNode outputs = NODES.objectNode();
            List<String> executed = new ArrayList<>();
            for (String node : order) {
                if (state.pause(Duration.ZERO)) {
                    interrupted(node, executed);
                    return;
                }
                send(frame("executing", NODES.objectNode().put("node", node).put("display_node", node)
                        .put("prompt_id", prompt.promptId())));
                if (run.dropSocket() && executed.isEmpty()) {
                    sockets.drop(prompt.clientId());
                }
                if (run.fail() && node.equals(target)) {
                    error(node, graph.classType(node), executed, "torch.OutOfMemoryError",
                            "Allocation on device \nThis error means you ran out of memory on your GPU.");
                    return;
                }
                if (run.hang() && node.equals(target)) {
                    if (state.awaitInterrupt()) {
                        interrupted(node, executed);
                    }
                    return;
                }
                if (!runNode(node, unit, outputs, executed)) {
                    return;
                }
                executed.add(node);
            }
            succeed(outputs);
        }

        /** Runs one node; false when the run ended (interrupted or failed). */
        private boolean runNode(String node, Duration unit, ObjectNode outputs, List<String> executed) {
            if (graph.classType(node).equals("SaveLoRA")) {
                return saveLora(node, unit, executed);
            }
            boolean output = Graph.OUTPUT_TYPES.contains(graph.classType(node));
            ObjectNode saved = null;
            if (output) { // encode first, inside the node's time
                try {
                    images.checkMemory(graph, node);
                    saved = NODES.objectNode();
                    saved.set("images", images.save(graph, node));
                    if (StandInMedia.animated(graph.classType(node))) {
                        saved.putArray("animated").add(true); // history_video_outputs.json
                    }
                } catch (StandInImages.NodeFailure e) {
                    error(node, graph.classType(node), executed, e.exceptionType(), e.getMessage());
                    return false;
                }
            }
            if (state.pauseUntil(start + unit.toNanos() * ++slot)) {
                interrupted(node, executed);
                return false;
            }
            if (saved != null) {
                outputs.set(node, saved);
                send(executed(node, saved));
                return true;
            }
            int steps = graph.steps(node);
            for (int step = 1; step <= steps; step++) {
                if (state.pauseUntil(start + unit.toNanos() * ++slot)) {
                    interrupted(node, executed);
                    return false;
                }
                send(frame("progress", NODES.objectNode().put("value", step).put("max", steps)
                        .put("prompt_id", prompt.promptId()).put("node", node)));
                if (state.previews()) {
                    sockets.sendBinary(prompt.clientId(), PREVIEW_FRAME);
                }
            }
            try {
                images.checkMemory(graph, node);
            } catch (StandInImages.NodeFailure e) {
                error(node, graph.classType(node), executed, e.exceptionType(), e.getMessage());
                return false;
            }
            return true;
        }

        /**
         * SaveLoRA: writes {@code output/<prefix>_<steps>_steps_<counter>_.safetensors} and reports
         * {@code "output": null}, nothing in the history (ws_train_lora_sd15.jsonl, history_train_lora_sd15.json).
         */
        private boolean saveLora(String node, Duration unit, List<String> executed) {
            if (state.pauseUntil(start + unit.toNanos() * ++slot)) {
                interrupted(node, executed);
                return false;
            }
            String prefix = graph.inputs(node).path("prefix").asString("loras/ComfyUI_trained_lora");
            JsonNode stepsInput = graph.inputs(node).path("steps");
            int steps = stepsInput.isArray() ? graph.inputs(stepsInput.get(0).asString()).path("steps").asInt(1) : stepsInput.asInt(1);
            int slash = prefix.lastIndexOf('/');
            String subfolder = slash < 0 ? "" : prefix.substring(0, slash);
            String stem = prefix.substring(slash + 1) + "_" + steps + "_steps";
            int counter = state.reserveCounter(subfolder, stem, 1);
            if (!state.discardLoras()) {
                state.putFile("output", subfolder, stem + "_" + String.format("%05d", counter) + "_.safetensors",
                        StandInLoras.safetensors(prompt.promptId()));
            }
            send(frame("executed", NODES.objectNode().put("node", node).put("display_node", node).putNull("output")
                    .put("prompt_id", prompt.promptId())));
            return true;
        }

        private void succeed(ObjectNode outputs) {
            message("execution_success", withTime(data()));
            ObjectNode meta = NODES.objectNode();
            for (String node : outputs.propertyNames()) {
                meta.putObject(node).put("node_id", node).put("display_node", node).putNull("parent_node")
                        .put("real_node_id", node);
            }
            end(entry(outputs, "success", true, meta), true, outputs);
        }

        void error(String node, String nodeType, List<String> executed, String exceptionType, String message) {
            ObjectNode data = data().put("node_id", node).put("node_type", nodeType);
            executed.forEach(data.putArray("executed")::add);
            data.put("exception_message", message + "\n").put("exception_type", exceptionType);
            data.putArray("traceback").add("  File \"execution.py\", in execute (ComfyUI stand-in)\n");
            data.putObject("current_inputs");
            (node.isEmpty() ? List.<String>of() : graph.upstream(node)).forEach(data.putArray("current_outputs")::add);
            message("execution_error", withTime(data));
            end(entry(NODES.objectNode(), "error", false, NODES.objectNode()), false, null);
        }

        private void interrupted(String node, List<String> executed) {
            ObjectNode data = data().put("node_id", node).put("node_type", graph.classType(node));
            executed.forEach(data.putArray("executed")::add);
            message("execution_interrupted", withTime(data));
            end(entry(NODES.objectNode(), "error", false, NODES.objectNode()), false, null);
        }

        /** History first, then status, then the "done" frame, as ComfyUI's prompt worker does. */
        private void end(ObjectNode entry, boolean success, ObjectNode outputs) {
            state.finish(prompt, entry, success, outputs);
            sockets.broadcast(StandInSockets.statusFrame(state.queueRemaining(), null));
            send(frame("executing", NODES.objectNode().putNull("node").put("prompt_id", prompt.promptId())));
        }

        private ObjectNode entry(ObjectNode outputs, String statusStr, boolean completed, ObjectNode meta) {
            ObjectNode entry = NODES.objectNode();
            entry.set("prompt", prompt.item());
            entry.set("outputs", outputs);
            ObjectNode status = entry.putObject("status").put("status_str", statusStr).put("completed", completed);
            status.set("messages", messages);
            entry.set("meta", meta);
            return entry;
        }

        private ObjectNode executed(String node, ObjectNode output) {
            ObjectNode data = NODES.objectNode().put("node", node).put("display_node", node);
            data.set("output", output);
            return frame("executed", data.put("prompt_id", prompt.promptId()));
        }

        private void message(String type, ObjectNode data) {
            messages.addArray().add(type).add(data);
            send(frame(type, data));
        }

        private ObjectNode data() {
            return NODES.objectNode().put("prompt_id", prompt.promptId());
        }

        private ObjectNode withTime(ObjectNode data) {
            return data.put("timestamp", System.currentTimeMillis());
        }

        private ObjectNode frame(String type, ObjectNode data) {
            ObjectNode frame = NODES.objectNode().put("type", type);
            frame.set("data", data);
            return frame;
        }

        private void send(ObjectNode frame) {
            sockets.send(prompt.clientId(), frame);
        }
    }
}
