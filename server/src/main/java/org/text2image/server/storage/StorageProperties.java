package org.text2image.server.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.storage.*}.
 *
 * @param localFolder folder for image files (default {@code ./data/images})
 * @param maxImageBytes largest accepted image in bytes (default 20 MiB)
 */
@ConfigurationProperties("text2image.storage")
public record StorageProperties(Path localFolder, long maxImageBytes) {

    public StorageProperties {
        localFolder = localFolder == null ? Path.of("data/images") : localFolder;
        maxImageBytes = maxImageBytes <= 0 ? 20L * 1024 * 1024 : maxImageBytes;
    }
}
