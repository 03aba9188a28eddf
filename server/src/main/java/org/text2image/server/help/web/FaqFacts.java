package org.text2image.server.help.web;

import java.time.Duration;
import java.util.List;
import org.text2image.server.payments.Pack;

/**
 * Every number and fact the Help page states, read when the page is rendered: from the live
 * settings, the model catalog, the pricing rule and the packs. The page's text holds none of them.
 *
 * @param signupCredits free credits a new account gets
 * @param minSize smallest width and height, in pixels
 * @param maxWidth largest width, in pixels
 * @param maxHeight largest height, in pixels
 * @param sizeStep the multiple sizes are rounded to (64: the models work on 8 × 8 latent blocks)
 * @param maxBatchSize most images per job
 * @param attemptTimeout longest one attempt may run
 * @param automaticRetries retries after a failed first try
 * @param maxQueuedJobs jobs one user may have queued or running at once
 * @param lowBalanceThreshold the balance below which the site warns (0: no warning)
 * @param models the models users can pick, with their cost
 * @param packs the credit packs on sale, with the ways each can be paid
 * @param upi whether UPI is offered
 * @param upiRequestExpiry how long a UPI request waits for its UTR
 * @param maxPendingPayments open UPI requests per user at most
 * @param cards whether card payments (Stripe) are offered
 * @param supportEmail the operator's email, or ""
 * @param whatsappLink the operator's WhatsApp link, or ""
 */
public record FaqFacts(long signupCredits, int minSize, int maxWidth, int maxHeight, int sizeStep, int maxBatchSize,
                Duration attemptTimeout, int automaticRetries, int maxQueuedJobs, long lowBalanceThreshold,
                List<ModelCost> models, List<PackOffer> packs, boolean upi, Duration upiRequestExpiry,
                int maxPendingPayments, boolean cards, String supportEmail, String whatsappLink) {

    /** Attempts in all: the first try plus the retries. */
    public int attempts() {
        return automaticRetries + 1;
    }

    /** "2 more times", "once more", or "" without retries. */
    public String retriesText() {
        return automaticRetries == 0 ? "" : automaticRetries == 1 ? "once more" : automaticRetries + " more times";
    }

    /** The attempt timeout for people, such as "5 minutes". */
    public String attemptTimeoutText() {
        return readable(attemptTimeout);
    }

    /** The UPI request expiry for people, such as "24 hours". */
    public String upiRequestExpiryText() {
        return readable(upiRequestExpiry);
    }

    /** "1 job" or "20 jobs". */
    public String maxQueuedJobsText() {
        return maxQueuedJobs == 1 ? "1 job" : maxQueuedJobs + " jobs";
    }

    /** "1 open request" or "3 open requests". */
    public String maxPendingPaymentsText() {
        return maxPendingPayments == 1 ? "1 open request" : maxPendingPayments + " open requests";
    }

    /** A duration in its largest whole unit: "24 hours", "5 minutes", "1 minute", "90 seconds". */
    static String readable(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return unit(seconds / 3600, "hour");
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return unit(seconds / 60, "minute");
        }
        return unit(seconds, "second");
    }

    private static String unit(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /**
     * One model as the Help page lists it.
     *
     * @param costCredits one image at the base size
     * @param baseWidth the size the cost is for, in pixels
     * @param largestPrice one image at the largest allowed size
     * @param video for a video model: its base and largest length; null for an image model
     */
    public record ModelCost(String name, String description, long costCredits, int baseWidth, int baseHeight, long largestPrice,
                            VideoCost video) {
    }

    /**
     * What a video model's price is for.
     *
     * @param baseFrames the length {@code costCredits} pays for
     * @param maxFrames the longest video, which {@code largestPrice} is for
     * @param maxWidth the widest video, which {@code largestPrice} is for
     * @param maxHeight the tallest video, which {@code largestPrice} is for
     * @param fps the default frames per second
     */
    public record VideoCost(int baseFrames, int maxFrames, int maxWidth, int maxHeight, int fps) {
    }

    /**
     * A pack and how it can be paid.
     *
     * @param methods the labels of the ways to pay it, such as "Pay with UPI"
     */
    public record PackOffer(Pack pack, List<String> methods) {
    }
}
