package org.text2image.worker.comfyui.standin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything the stand-in remembers, behind one lock: settings, the queue, the history, the
 * output files and the test counters. The runner thread and the HTTP threads meet here.
 */
final class StandInState {

    /** What the runner should do with the next prompt, decided when it starts. */
    record Run(QueuedPrompt prompt, boolean fail, boolean hang, boolean dropSocket, Duration duration,
               ObjectNode cachedOutputs) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private List<String> checkpoints = List.of();
    private List<String> diffusionModels = List.of();
    private boolean checkpointsBroken;
    private int failNext;
    private int hangNext;
    private boolean dropNext;
    private boolean loseAnswerNext;
    private Duration runDuration = Duration.ZERO;
    private int number;
    private final Deque<QueuedPrompt> pending = new ArrayDeque<>();
    private QueuedPrompt running;
    private boolean interruptRequested;
    private boolean closed;
    private final Map<String, ObjectNode> history = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();
    private ObjectNode cachedGraph;
    private ObjectNode cachedOutputs;
    private final List<SubmittedPrompt> submitted = new ArrayList<>();
    private int interrupts;
    private int completed;

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable action) {
        locked(() -> {
            action.run();
            return null;
        });
    }

    // settings

    boolean checkpointsBroken() {
        return locked(() -> checkpointsBroken);
    }

    void checkpointsBroken(boolean broken) {
        locked(() -> checkpointsBroken = broken);
    }

    List<String> checkpoints() {
        return locked(() -> checkpoints);
    }

    List<String> diffusionModels() {
        return locked(() -> diffusionModels);
    }

    void diffusionModels(List<String> names) {
        locked(() -> diffusionModels = List.copyOf(names));
    }

    void checkpoints(List<String> names) {
        locked(() -> checkpoints = List.copyOf(names));
    }

    void failNext(int n) {
        locked(() -> failNext = n);
    }

    void hangNext(int n) {
        locked(() -> hangNext = n);
    }

    void dropSocketNext() {
        locked(() -> dropNext = true);
    }

    void loseNextAnswer() {
        locked(() -> loseAnswerNext = true);
    }

    /** Whether to lose this answer (and clears the setting). */
    boolean takeLoseAnswer() {
        return locked(() -> {
            boolean lose = loseAnswerNext;
            loseAnswerNext = false;
            return lose;
        });
    }

    private volatile boolean previews;

    /** Whether sampler steps send binary preview frames (ComfyUI started with --preview-method). */
    void previews(boolean on) {
        previews = on;
    }

    boolean previews() {
        return previews;
    }

    void runDuration(Duration duration) {
        locked(() -> runDuration = duration);
    }

    // queue

    QueuedPrompt enqueue(String promptId, ObjectNode graph, ObjectNode extraData, List<String> outputs) {
        return locked(() -> {
            QueuedPrompt prompt = new QueuedPrompt(number++, promptId, graph.deepCopy(), extraData, List.copyOf(outputs));
            pending.add(prompt);
            submitted.add(new SubmittedPrompt(promptId, prompt.clientId(), graph.deepCopy(), prompt.number()));
            changed.signalAll();
            return prompt;
        });
    }

    /** Blocks until a prompt is pending, marks it running and consumes the injected behaviour; null once closed. */
    Run takeNext() throws InterruptedException {
        lock.lock();
        try {
            while (pending.isEmpty() && !closed) {
                changed.await();
            }
            if (closed) {
                return null;
            }
            running = pending.poll();
            interruptRequested = false;
            boolean fail = failNext > 0;
            boolean hang = !fail && hangNext > 0;
            failNext -= fail ? 1 : 0;
            hangNext -= hang ? 1 : 0;
            boolean drop = dropNext;
            dropNext = false;
            ObjectNode cached = !fail && !hang && running.graph().equals(cachedGraph) ? cachedOutputs.deepCopy() : null;
            return new Run(running, fail, hang, drop, runDuration, cached);
        } finally {
            lock.unlock();
        }
    }

    /** The id of the prompt running now, or null. */
    String runningPromptId() {
        return locked(() -> running == null ? null : running.promptId());
    }

    /** {@code queue_remaining} of status frames: pending plus running. */
    int queueRemaining() {
        return locked(() -> pending.size() + (running == null ? 0 : 1));
    }

    ObjectNode queueJson() {
        return locked(() -> {
            ObjectNode queue = JsonNodeFactory.instance.objectNode();
            var runningItems = queue.putArray("queue_running");
            if (running != null) {
                runningItems.add(running.item());
            }
            var pendingItems = queue.putArray("queue_pending");
            pending.forEach(p -> pendingItems.add(p.item()));
            return queue;
        });
    }

    void deletePending(Set<String> promptIds) {
        locked(() -> pending.removeIf(p -> promptIds.contains(p.promptId())));
    }

    void clearPending() {
        locked(pending::clear);
    }

    // interrupts

    /** Counts the request; flags the running prompt when it is {@code promptId} (or any, for null). */
    void interrupt(String promptId) {
        locked(() -> {
            interrupts++;
            if (running != null && (promptId == null || promptId.equals(running.promptId()))) {
                interruptRequested = true;
                changed.signalAll();
            }
        });
    }

    /** Waits {@code duration} (0 = just looks); true when the running prompt was interrupted or the stand-in closed. */
    boolean pause(Duration duration) {
        return pauseUntil(System.nanoTime() + duration.toNanos());
    }

    /** As {@link #pause}, until {@code deadline} on {@link System#nanoTime()}'s scale (no drift over many pauses). */
    boolean pauseUntil(long deadline) {
        lock.lock();
        try {
            long nanos = deadline - System.nanoTime();
            while (!interruptRequested && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return interruptRequested || closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for an interrupt of the running prompt; true when interrupted, false when the stand-in closed. */
    boolean awaitInterrupt() {
        lock.lock();
        try {
            while (!interruptRequested && !closed) {
                changed.await();
            }
            return interruptRequested;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return locked(() -> closed);
    }

    // results

    /** Stores the history entry and ends the run; a success also becomes the cache for an identical graph. */
    void finish(QueuedPrompt prompt, ObjectNode entry, boolean success, ObjectNode outputs) {
        locked(() -> {
            history.put(prompt.promptId(), entry);
            running = null;
            interruptRequested = false;
            if (success) {
                completed++;
                cachedGraph = prompt.graph();
                cachedOutputs = outputs.deepCopy();
            } else {
                cachedGraph = null;
                cachedOutputs = null;
            }
            changed.signalAll();
        });
    }

    /** Reserves {@code count} file numbers for {@code subfolder/basename}, like ComfyUI's counter; returns the first. */
    int reserveCounter(String subfolder, String basename, int count) {
        return locked(() -> {
            int first = counters.getOrDefault(subfolder + "/" + basename, 0) + 1;
            counters.put(subfolder + "/" + basename, first + count - 1);
            return first;
        });
    }

    private volatile java.nio.file.Path lorasFolder;

    /** ComfyUI's {@code models/loras} folder on disk, or null for none (the default). */
    void lorasFolder(java.nio.file.Path folder) {
        lorasFolder = folder;
    }

    /**
     * The LoRA names ComfyUI lists ({@code GET /models/loras}, LoraLoaderModelOnly's combo): the
     * files SaveLoRA wrote into {@code output/loras}, and the {@code .safetensors} files under the
     * loras folder, subfolder files as {@code <subfolder>/<file>}; sorted, as get_filename_list does.
     */
    List<String> loraNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(fileNames("output", "loras"));
        java.nio.file.Path folder = lorasFolder;
        if (folder != null && java.nio.file.Files.isDirectory(folder)) {
            try (var paths = java.nio.file.Files.walk(folder)) {
                paths.filter(java.nio.file.Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                        .forEach(p -> names.add(folder.relativize(p).toString().replace(java.io.File.separatorChar, '/')));
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a file removed while listing: list what is there next time
            }
        }
        return List.copyOf(names);
    }

    private volatile String videoExtension = "mp4";
    private volatile boolean chunkedViews;
    private volatile boolean discardLoras;

    /** Whether SaveLoRA "forgets" to write its file (a full disk, another prefix). */
    void discardLoras(boolean on) {
        discardLoras = on;
    }

    boolean discardLoras() {
        return discardLoras;
    }

    /** Whether {@code /view} sends files chunked, without a {@code Content-Length}. */
    void chunkedViews(boolean on) {
        chunkedViews = on;
    }

    boolean chunkedViews() {
        return chunkedViews;
    }

    /** The extension SaveVideo's files get ({@code mp4} as ComfyUI 0.8 writes; tests set others). */
    void videoExtension(String extension) {
        videoExtension = extension;
    }

    String videoExtension() {
        return videoExtension;
    }

    private volatile java.nio.file.Path comfyUiFolder;

    /** ComfyUI's own folder on disk, or null (the default): uploads and saved files are also written there. */
    void comfyUiFolder(java.nio.file.Path folder) {
        comfyUiFolder = folder;
    }

    void putFile(String type, String subfolder, String filename, byte[] bytes) {
        locked(() -> files.put(type + "/" + subfolder + "/" + filename, bytes));
        java.nio.file.Path folder = comfyUiFolder;
        if (folder != null) {
            java.nio.file.Path file = folder.resolve(type).resolve(subfolder).resolve(filename);
            try {
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.write(file, bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The names of the files in {@code <type>/<subfolder>/} (not below), sorted. */
    List<String> fileNames(String type, String subfolder) {
        String prefix = type + "/" + subfolder + "/";
        return locked(() -> files.keySet().stream().filter(key -> key.startsWith(prefix))
                .map(key -> key.substring(prefix.length())).filter(name -> !name.contains("/")).sorted().toList());
    }

    /** The folders directly under {@code input/} that hold a file (uploads create them), sorted. */
    List<String> inputFolders() {
        return locked(() -> files.keySet().stream().filter(key -> key.startsWith("input/"))
                .map(key -> key.substring("input/".length())).filter(rest -> rest.indexOf('/') > 0)
                .map(rest -> rest.substring(0, rest.indexOf('/'))).distinct().sorted().toList());
    }

    byte[] file(String type, String subfolder, String filename) {
        return locked(() -> files.get(type + "/" + subfolder + "/" + filename));
    }

    JsonNode historyJson(String promptId, int maxItems) {
        return locked(() -> {
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            if (promptId != null) {
                if (history.containsKey(promptId)) {
                    answer.set(promptId, history.get(promptId).deepCopy());
                }
                return answer;
            }
            List<String> ids = new ArrayList<>(history.keySet());
            for (String id : ids.subList(Math.max(0, ids.size() - maxItems), ids.size())) {
                answer.set(id, history.get(id).deepCopy());
            }
            return answer;
        });
    }

    void deleteHistory(Set<String> promptIds) {
        locked(() -> history.keySet().removeAll(promptIds));
    }

    void clearHistory() {
        locked(history::clear);
    }

    // inspection

    List<SubmittedPrompt> submitted() {
        return locked(() -> List.copyOf(submitted));
    }

    int interrupts() {
        return locked(() -> interrupts);
    }

    int completed() {
        return locked(() -> completed);
    }

    boolean awaitIdle(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while ((running != null || !pending.isEmpty()) && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return running == null && pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        locked(() -> {
            closed = true;
            changed.signalAll();
        });
    }
}
