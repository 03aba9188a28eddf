package org.text2image.worker;

/**
 * How an attempt ended, before its time is added to make a {@link JobReport}. Immutable.
 *
 * @param outcome how it ended
 * @param detail the failure reason sent, the server's answer, or why nothing was sent
 * @param images how many images were uploaded
 */
record AttemptResult(JobReport.Outcome outcome, String detail, int images) {

    /** Stopped without uploading, because the server said so ({@code why}: 409 or cancelled). */
    static AttemptResult stopped(String why) {
        return new AttemptResult(JobReport.Outcome.STOPPED, why, 0);
    }
}
