package org.text2image.server.generation.web;

import java.util.UUID;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobStatus;

/**
 * One {@code generation_job_changed} notification, parsed. Its payloads (migrations V13, V14) are
 * {@code <job id>|<status>|<attempts used>|<step>|<total>|<backend unreachable: t or f>} when a job
 * row changed (without the last field from a server that predates V14) and
 * {@code <job id>|PREVIEW|<attempt>|<preview version, epoch ms>} when a live preview was stored;
 * a bare job id (from a server that predates V13) or an unreadable rest only says that the job
 * changed ({@link Kind#UNKNOWN}).
 *
 * @param jobId the job that changed
 * @param kind what the payload says
 * @param progress the new state for {@link Kind#STATE} (queue position 0, preview version 0), else null
 * @param previewVersion the new preview version for {@link Kind#PREVIEW}, else 0
 */
record JobChange(UUID jobId, Kind kind, JobProgress progress, long previewVersion) {

    /** What a notification says about its job. */
    enum Kind { STATE, PREVIEW, UNKNOWN }

    /** The change a payload describes, or null when it names no job (a fallback ring, or not ours). */
    static JobChange parse(String payload) {
        if (payload == null) {
            return null;
        }
        String[] fields = payload.split("\\|", -1);
        UUID jobId;
        try {
            jobId = UUID.fromString(fields[0]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            if (fields.length == 4 && fields[1].equals("PREVIEW")) {
                return new JobChange(jobId, Kind.PREVIEW, null, Long.parseLong(fields[3]));
            }
            if (fields.length == 5 || fields.length == 6) {
                JobStatus status = JobStatus.valueOf(fields[1]);
                boolean unreachable = fields.length == 6 && status == JobStatus.RUNNING
                        && (fields[5].equals("t") || fields[5].equals("true"));
                JobProgress state = new JobProgress(status, 0, Integer.parseInt(fields[3]),
                        Integer.parseInt(fields[4]), Integer.parseInt(fields[2]), 0, unreachable);
                return new JobChange(jobId, Kind.STATE, state, 0);
            }
        } catch (IllegalArgumentException e) {
            // an unknown status or number: look at the row instead
        }
        return new JobChange(jobId, Kind.UNKNOWN, null, 0);
    }

    /**
     * {@code current} with this change applied, or null when only the job row can tell (an
     * unknown payload, or a job back in the queue, whose place only the row gives). A final
     * state never changes; a running attempt keeps its preview while its steps move.
     */
    JobProgress applyTo(JobProgress current) {
        if (current.isFinal()) {
            return current;
        }
        return switch (kind) {
            case UNKNOWN -> null;
            case PREVIEW -> current.status() == JobStatus.RUNNING ? withPreview(current, previewVersion) : current;
            case STATE -> {
                if (progress.status() == JobStatus.QUEUED) {
                    yield null;
                }
                boolean sameAttempt = progress.status() == JobStatus.RUNNING && current.status() == JobStatus.RUNNING
                        && progress.attempt() == current.attempt();
                yield withPreview(progress, sameAttempt ? current.previewVersion() : 0);
            }
        };
    }

    private static JobProgress withPreview(JobProgress progress, long version) {
        return new JobProgress(progress.status(), progress.queuePosition(), progress.step(), progress.totalSteps(),
                progress.attempt(), version, progress.backendUnreachable());
    }
}
