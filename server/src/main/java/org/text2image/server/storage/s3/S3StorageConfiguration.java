package org.text2image.server.storage.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.text2image.server.storage.DirectUploads;
import org.text2image.server.storage.StorageHealth;
import org.text2image.server.storage.StorageProperties;

/**
 * The S3 image store, when {@code text2image.storage.type=s3}. At start-up it asks the bucket
 * ({@code HeadBucket}); when that fails it logs an ERROR naming the endpoint, the bucket and the
 * cause, and the server starts anyway (reads and writes of images fail until the bucket answers;
 * {@link S3ImageStore#check()} tells a readiness check).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "text2image.storage.type", havingValue = "s3")
public class S3StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(S3StorageConfiguration.class);

    /** The store; checked once, logged. */
    @Bean(destroyMethod = "close")
    S3ImageStore s3ImageStore(StorageProperties properties) {
        S3ImageStore store = S3Clients.store(properties.s3());
        StorageHealth health = store.check();
        if (health.up()) {
            log.info("Images are stored in {}", health.detail());
        } else {
            log.error("Image storage is not usable: {}. The server starts, but images cannot be stored or "
                    + "served until the bucket answers (check text2image.storage.s3.* and the credentials).", health.detail());
        }
        return store;
    }

    /** Direct worker upload: presigned {@code PUT}s into the bucket (off by default; docs/STORAGE.md). */
    @Bean
    @ConditionalOnProperty(name = "text2image.storage.s3.direct-worker-upload", havingValue = "true")
    DirectUploads s3DirectUploads(S3ImageStore store) {
        log.info("Workers may upload result images straight to the bucket (presigned PUTs)");
        return new S3DirectUploads(store);
    }
}
