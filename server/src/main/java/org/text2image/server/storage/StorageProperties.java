package org.text2image.server.storage;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.storage.*}.
 *
 * @param localFolder folder for image files (default {@code ./data/images})
 */
@ConfigurationProperties("text2image.storage")
public record StorageProperties(Path localFolder) {

    public StorageProperties {
        localFolder = localFolder == null ? Path.of("data/images") : localFolder;
    }
}
