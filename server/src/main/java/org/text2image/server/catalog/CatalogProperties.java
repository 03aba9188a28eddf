package org.text2image.server.catalog;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code text2image.catalog.*}.
 *
 * @param modelsFile path of the models file (default {@code ./config/models.json}); workflow
 *     template paths inside it are relative to its folder
 */
@ConfigurationProperties("text2image.catalog")
public record CatalogProperties(Path modelsFile) {

    public CatalogProperties {
        modelsFile = modelsFile == null ? Path.of("config/models.json") : modelsFile;
    }
}
