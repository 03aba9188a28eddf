package org.text2image.server.credits;

/**
 * What a job cost, from its ledger entries.
 *
 * @param held credits reserved at submit
 * @param charged credits captured (the job succeeded), else 0
 * @param released credits returned (the job failed or was cancelled), else 0
 * @param releaseReason why they were returned, such as "Not charged: the generation failed"; null if not released
 */
public record JobReceipt(long held, long charged, long released, String releaseReason) {

    /**
     * One line: {@code "held 4, charged 4"}, {@code "held 4, released 4: failed — not charged"}, or
     * {@code "held 4"} while the job runs.
     */
    public String summary() {
        if (charged > 0) {
            return "held " + held + ", charged " + charged;
        }
        if (released > 0) {
            String why = releaseReason != null && releaseReason.toLowerCase(java.util.Locale.ROOT).contains("cancel")
                    ? "cancelled" : "failed";
            return "held " + held + ", released " + released + ": " + why + " — not charged";
        }
        return "held " + held;
    }
}
