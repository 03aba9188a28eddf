package org.text2image.server.settings;

import java.time.Duration;
import java.util.Map;

/**
 * The live settings in force: each is an admin's override from {@code /admin/settings} or, without
 * one, its default from the configuration ({@link Setting} names the key of each). Read it through
 * {@link LiveSettings#current()} on every use, never keep it: it changes at once on every server
 * instance when an admin saves.
 *
 * @param maxWidth largest width of an image in pixels
 * @param maxHeight largest height of an image in pixels
 * @param signupCredits credits a new account gets (≥ 0)
 * @param lowBalanceThreshold available credits below which a balance is low (0: never)
 * @param upiVpa the operator's UPI id, {@code ""} when UPI is not offered
 * @param upiPayeeName the name UPI payers see, {@code ""} only when {@code upiVpa} is
 * @param supportEmail the address users write to for help, {@code ""} when unset
 * @param whatsappLink an {@code https://wa.me/…} or {@code https://api.whatsapp.com/…} link, {@code ""} when unset
 * @param attemptTimeout how long one attempt of a job may run at most (set on each claim)
 * @param automaticRetries tries after the first for a failing job; a job gets {@link #maxAttempts()} in all
 * @param maxQueuedJobsPerUser queued plus running jobs one user may have at once (≥ 1)
 * @param announcement a Markdown banner shown on every page, {@code ""} when none
 */
public record Settings(int maxWidth, int maxHeight, long signupCredits, long lowBalanceThreshold, String upiVpa,
                       String upiPayeeName, String supportEmail, String whatsappLink, Duration attemptTimeout,
                       int automaticRetries, int maxQueuedJobsPerUser, String announcement) {

    /** Tries a new job gets: the first plus {@link #automaticRetries()}. */
    public int maxAttempts() {
        return automaticRetries + 1;
    }

    /** Whether UPI payments are offered (a VPA is set). */
    public boolean upiEnabled() {
        return !upiVpa.isEmpty();
    }

    /** The settings of these values, one per {@link Setting} (each of its setting's type). */
    static Settings of(Map<Setting, Object> values) {
        return new Settings((Integer) values.get(Setting.MAX_WIDTH), (Integer) values.get(Setting.MAX_HEIGHT),
                (Long) values.get(Setting.SIGNUP_CREDITS), (Long) values.get(Setting.LOW_BALANCE_THRESHOLD),
                (String) values.get(Setting.UPI_VPA), (String) values.get(Setting.UPI_PAYEE_NAME),
                (String) values.get(Setting.SUPPORT_EMAIL), (String) values.get(Setting.WHATSAPP_LINK),
                (Duration) values.get(Setting.ATTEMPT_TIMEOUT), (Integer) values.get(Setting.AUTOMATIC_RETRIES),
                (Integer) values.get(Setting.MAX_QUEUED_JOBS_PER_USER), (String) values.get(Setting.ANNOUNCEMENT));
    }
}
