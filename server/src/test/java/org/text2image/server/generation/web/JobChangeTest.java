package org.text2image.server.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.text2image.server.generation.JobProgress;
import org.text2image.server.generation.JobStatus;

/** The {@code generation_job_changed} payloads (migration V13) and how they move a stream's state. */
class JobChangeTest {

    private static final UUID JOB = UUID.fromString("6f1c7d4e-2a7b-4c55-9b0e-0d6f3f5e8a11");
    private static final JobProgress RUNNING_WITH_PREVIEW = new JobProgress(JobStatus.RUNNING, 0, 3, 20, 1, 1234L);

    @Test
    void aStatePayloadGivesTheNewStateAndKeepsTheAttemptsPreview() {
        JobChange change = JobChange.parse(JOB + "|RUNNING|1|7|20");

        assertThat(change.jobId()).isEqualTo(JOB);
        assertThat(change.kind()).isEqualTo(JobChange.Kind.STATE);
        assertThat(change.applyTo(RUNNING_WITH_PREVIEW)).isEqualTo(new JobProgress(JobStatus.RUNNING, 0, 7, 20, 1, 1234L));
    }

    @Test
    void aStatePayloadSaysWhenTheRunningAttemptsWorkerCannotReachComfyUi() {
        JobProgress offline = JobChange.parse(JOB + "|RUNNING|1|7|20|t").applyTo(RUNNING_WITH_PREVIEW);
        JobProgress back = JobChange.parse(JOB + "|RUNNING|1|7|20|f").applyTo(offline);

        assertThat(offline).isEqualTo(new JobProgress(JobStatus.RUNNING, 0, 7, 20, 1, 1234L, true));
        assertThat(back.backendUnreachable()).isFalse();
        assertThat(back).as("a change the stream must send").isNotEqualTo(offline);
    }

    @Test
    void aFinalStateDropsThePreviewAndNothingMovesItAfterwards() {
        JobProgress done = JobChange.parse(JOB + "|SUCCEEDED|1|20|20").applyTo(RUNNING_WITH_PREVIEW);

        assertThat(done).isEqualTo(new JobProgress(JobStatus.SUCCEEDED, 0, 20, 20, 1, 0));
        assertThat(JobChange.parse(JOB + "|RUNNING|1|19|20").applyTo(done)).as("a late step").isEqualTo(done);
    }

    @Test
    void aPreviewPayloadSetsTheVersionOfARunningJobOnly() {
        JobChange preview = JobChange.parse(JOB + "|PREVIEW|1|98765");
        JobProgress queued = new JobProgress(JobStatus.QUEUED, 2, 0, 0, 0, 0);

        assertThat(preview.kind()).isEqualTo(JobChange.Kind.PREVIEW);
        assertThat(preview.applyTo(RUNNING_WITH_PREVIEW).previewVersion()).isEqualTo(98765L);
        assertThat(preview.applyTo(queued)).isEqualTo(queued);
    }

    @Test
    void aQueuedStateABareIdOrAnUnreadableRestAskForARead() {
        assertThat(JobChange.parse(JOB + "|QUEUED|1|0|0").applyTo(RUNNING_WITH_PREVIEW)).as("queue place unknown").isNull();
        assertThat(JobChange.parse(JOB.toString()).applyTo(RUNNING_WITH_PREVIEW)).as("bare id").isNull();
        assertThat(JobChange.parse(JOB + "|ASLEEP|1|0|0").kind()).isEqualTo(JobChange.Kind.UNKNOWN);
        assertThat(JobChange.parse(JOB + "|RUNNING|x|0|0").kind()).isEqualTo(JobChange.Kind.UNKNOWN);
    }

    @Test
    void aPayloadWithoutAJobIdNamesNoJob() {
        assertThat(JobChange.parse(null)).isNull();
        assertThat(JobChange.parse("not-a-job|RUNNING|1|0|0")).isNull();
    }
}
