package org.text2image.server.support;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code text2image.database.*}: the embedded PostgreSQL, used only while {@code spring.datasource.url} is unset.
 *
 * @param embeddedDataDir where it keeps its data across restarts (default {@code ./data/postgres})
 * @param embeddedClean wipe that folder before start and after stop (tests; default false)
 * @param embeddedDurable keep PostgreSQL's crash-safe settings ({@code fsync}, {@code synchronous_commit},
 *     {@code full_page_writes} on; default true); false turns them off for speed and is meant for tests only
 */
@ConfigurationProperties("text2image.database")
public record DatabaseProperties(@DefaultValue("./data/postgres") Path embeddedDataDir,
                                 @DefaultValue("false") boolean embeddedClean,
                                 @DefaultValue("true") boolean embeddedDurable) {

    /** The embedded server's settings. */
    EmbeddedPostgresServer.Settings embeddedSettings() {
        return new EmbeddedPostgresServer.Settings(embeddedDataDir, embeddedClean, embeddedDurable);
    }
}
