package org.text2image.server.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.text2image.server.generation.GenerationProperties;
import org.text2image.server.generation.queue.JobQueue;

/** The workers the server has heard from, with their status, for the admin Workers page. */
@Component
public class WorkerFleet {

    /** What the page shows for a worker's state. */
    public enum Status { ONLINE, BUSY, BACKEND_UNREACHABLE, OFFLINE }

    /**
     * One worker. Device fields are null until the worker reports them.
     *
     * @param currentJobId the RUNNING job it holds, or null
     * @param tokenName the issued token it used last, or null for the configured token
     * @param runsLoras at its last claim it had a LoRA folder (it runs jobs made with a user's LoRA)
     * @param trains at its last claim it was given trainings ({@code train} and the VRAM)
     */
    public record WorkerRow(String name, Status status, Instant lastSeenAt, UUID currentJobId, long jobsDone, long jobsFailed,
                     String gpuName, Long vramTotalBytes, Long vramFreeBytes, String comfyUiVersion, String tokenName,
                     String lastSeen, String vramTotal, String vramFree, boolean runsLoras, boolean trains) {

        /** What it takes, for the page: "images", "images, LoRAs", "images, LoRAs, training", … */
        public String takes() {
            return "images" + (runsLoras ? ", LoRAs" : "") + (trains ? ", training" : "");
        }
    }

    private final WorkerPresence presence;
    private final WorkerTokens tokens;
    private final JobQueue queue;
    private final Clock clock;
    private final GenerationProperties generation;

    WorkerFleet(WorkerPresence presence, WorkerTokens tokens, JobQueue queue, Clock clock,
                GenerationProperties generation) {
        this.presence = presence;
        this.tokens = tokens;
        this.queue = queue;
        this.clock = clock;
        this.generation = generation;
    }

    /** Every worker, most recently seen first (at most 500). */
    public List<WorkerRow> list() {
        Instant onlineSince = clock.instant().minus(generation.workerOnlineWindow());
        Map<String, UUID> running = queue.runningJobByWorker();
        Map<Long, String> tokenNames = tokens.list().stream()
                .collect(Collectors.toMap(WorkerTokens.TokenRow::id, WorkerTokens.TokenRow::name));
        return presence.list(500).stream().map(seen -> {
            UUID job = running.get(seen.workerName());
            Instant at = seen.lastSeenAt();
            Status status = job != null ? Status.BUSY
                    : !at.isAfter(onlineSince) ? Status.OFFLINE
                    : seen.backendReachable() ? Status.ONLINE : Status.BACKEND_UNREACHABLE;
            return new WorkerRow(seen.workerName(), status, at, job, seen.jobsDone(), seen.jobsFailed(),
                    seen.gpuName(), seen.vramTotalBytes(), seen.vramFreeBytes(), seen.comfyUiVersion(),
                    seen.tokenId() == null ? null : tokenNames.get(seen.tokenId()), ago(at),
                    gigabytes(seen.vramTotalBytes()), gigabytes(seen.vramFreeBytes()), seen.runsLoras(), seen.trains());
        }).toList();
    }

    /**
     * A worker online now (heard from within {@code worker-online-window}, its ComfyUI answering)
     * and what it can run.
     *
     * @param checkpoints the checkpoints its ComfyUI lists; null when it has not reported them yet
     */
    public record Capability(String name, List<String> checkpoints) {

        /** Whether it runs jobs for {@code checkpoint}: the job needs none ({@code ""}), or it listed it. */
        public boolean canRun(String checkpoint) {
            return checkpoint == null || checkpoint.isEmpty() || checkpoints != null && checkpoints.contains(checkpoint);
        }
    }

    /** The workers online now and the checkpoints each can run, by name. */
    public List<Capability> online() {
        return presence.reachableSince(clock.instant().minus(generation.workerOnlineWindow()));
    }

    /** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
    String ago(Instant instant) {
        if (instant == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(instant, clock.instant()).toSeconds());
        if (seconds < 60) {
            return seconds + " s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min ago";
        }
        return seconds < 86400 ? seconds / 3600 + " h ago" : seconds / 86400 + " d ago";
    }

    /** Bytes in binary gigabytes with one decimal, as GPU makers label VRAM: "24.0 GB"; "—" when unknown. */
    static String gigabytes(Long bytes) {
        return bytes == null ? "—" : String.format(Locale.ROOT, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
