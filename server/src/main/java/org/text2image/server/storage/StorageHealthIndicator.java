package org.text2image.server.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code storage} health check of the readiness probe (docs/OPERATIONS.md): UP while
 * {@link ImageStore#check()} answers up (a writable local folder; an S3 bucket that answers
 * {@code HeadBucket}), DOWN with its reason otherwise (the probe shows the status only; the reason
 * is logged at WARN, once per change).
 */
@Component
class StorageHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(StorageHealthIndicator.class);

    private final ImageStore store;
    private volatile boolean wasDown;

    StorageHealthIndicator(ImageStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        StorageHealth health = store.check();
        if (health.up()) {
            if (wasDown) {
                log.info("Image storage is usable again: {}", health.detail());
            }
            wasDown = false;
            return Health.up().build();
        }
        if (!wasDown) {
            log.warn("Image storage is not usable: {}", health.detail());
        }
        wasDown = true;
        return Health.down().withDetail("error", health.detail()).build();
    }
}
