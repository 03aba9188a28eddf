package org.text2image.server.catalog;

import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.text2image.server.support.DatabaseSignals;

/**
 * Reloading {@code config/models.json} without a restart. {@link #check()} reads and checks the
 * file and changes nothing; {@link #swap} puts a checked catalog in place; {@link #announce()} tells
 * the other server instances, by a PostgreSQL {@code NOTIFY} on {@value #CHANNEL} sent when the
 * caller's transaction commits, and each of them reloads its own models file the same way: swapped
 * when it is valid, kept (with an error in its log) when it is not.
 *
 * <p>The notification is a hint, not a queue: an instance whose listening connection is down when
 * it is sent misses it (the fallback rings of {@link DatabaseSignals} carry no payload and are
 * ignored), and keeps its catalog until the next reload or restart.
 */
@Service
public class ModelCatalogReloads {

    /** The PostgreSQL channel of reloads; the payload is the announcing instance's id. */
    public static final String CHANNEL = "model_catalog_reloaded";

    private static final Logger log = LoggerFactory.getLogger(ModelCatalogReloads.class);

    private final ModelCatalog catalog;
    private final Path modelsFile;
    private final JdbcClient jdbc;
    private final String instanceId = UUID.randomUUID().toString();

    ModelCatalogReloads(ModelCatalog catalog, CatalogProperties properties, JdbcClient jdbc, DatabaseSignals signals) {
        this.catalog = catalog;
        this.modelsFile = properties.modelsFile();
        this.jdbc = jdbc;
        signals.subscribe(CHANNEL, this::onAnnouncement);
    }

    /** The models file this instance reads. */
    public Path modelsFile() {
        return modelsFile.toAbsolutePath().normalize();
    }

    /**
     * Reads and checks the models file as at start-up, changing nothing.
     *
     * @throws InvalidModelCatalogException naming the file and the problem
     */
    public ModelCatalog check() {
        return ModelCatalogLoader.load(modelsFile);
    }

    /** Puts a catalog returned by {@link #check()} in place of the current one, at once for every reader. */
    public void swap(ModelCatalog checked) {
        catalog.replaceWith(checked);
        log.info("Model catalog reloaded from {}: {} model(s), {} enabled", modelsFile(), checked.all().size(),
                checked.enabled().size());
    }

    /** Tells the other instances to reload, when the caller's transaction commits. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void announce() {
        jdbc.sql("SELECT pg_notify(?, ?)").params(CHANNEL, instanceId).query(Object.class).list();
    }

    private void onAnnouncement(String payload) {
        if (payload == null || payload.equals(instanceId)) {
            return; // a fallback ring, or this instance's own reload
        }
        try {
            swap(check());
        } catch (InvalidModelCatalogException e) {
            log.error("Another instance reloaded the models; this instance keeps its catalog: {}", e.getMessage());
        }
    }
}
