package org.text2image.server.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code storage} health check of the readiness probe (docs/OPERATIONS.md): UP while
 * {@link ImageStore#check()} passes, DOWN with its reason otherwise (the probe shows the status
 * only; the reason is logged at WARN).
 */
@Component
class StorageHealthIndicator implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(StorageHealthIndicator.class);

    private final ImageStore store;

    StorageHealthIndicator(ImageStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.check();
            return Health.up().build();
        } catch (StorageException e) {
            log.warn("Image storage is not usable: {}", e.getMessage());
            return Health.down().withDetail("error", e.getMessage()).build();
        }
    }
}
