package org.text2image.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest sampler {@code progress} frame of one attempt, written on ComfyUI's socket thread and
 * read by whoever sends the heartbeat: value and max packed in one atomic so a heartbeat never
 * mixes two frames. The last step fires the nearly-done hook, once.
 */
final class SamplerProgress {

    private final AtomicLong packed = new AtomicLong();
    private final AtomicBoolean nearlyDoneFired = new AtomicBoolean();
    private final Runnable nearlyDone;

    /** @param nearlyDone called once, at the last step or when the prompt is done; must return quickly */
    SamplerProgress(Runnable nearlyDone) {
        this.nearlyDone = nearlyDone;
    }

    /** A {@code progress} frame: step {@code value} of {@code max}. */
    void set(int value, int max) {
        packed.set(((long) Math.max(0, max) << 32) | (Math.max(0, value) & 0xffffffffL));
        if (max > 0 && value >= max) {
            nearlyDone();
        }
    }

    /** Fires the nearly-done hook unless it has fired already. */
    void nearlyDone() {
        if (nearlyDoneFired.compareAndSet(false, true)) {
            nearlyDone.run();
        }
    }

    /** The step reached, 0 when unknown. */
    int step() {
        return (int) packed.get();
    }

    /** The sampler's step count, 0 when unknown. */
    int total() {
        return (int) (packed.get() >>> 32);
    }
}
