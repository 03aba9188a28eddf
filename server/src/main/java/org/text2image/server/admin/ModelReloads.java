package org.text2image.server.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.catalog.InvalidModelCatalogException;
import org.text2image.server.catalog.ModelCatalog;
import org.text2image.server.catalog.ModelCatalogReloads;
import org.text2image.server.credits.AdminAuditLog;

/**
 * "Reload models" on {@code /admin/models}: the models file is read and checked as at start-up;
 * only a valid file replaces the catalog (at once for every page and worker claim), and the other
 * server instances are told to reload theirs ({@link ModelCatalogReloads}). A refused file changes
 * nothing: the old catalog stays and the page shows why. Both outcomes are in the audit log.
 */
@Service
class ModelReloads {

    private static final Logger log = LoggerFactory.getLogger(ModelReloads.class);

    private final ModelCatalogReloads reloads;
    private final ModelCatalog catalog;
    private final AdminAuditLog audit;
    private final TransactionTemplate transactions;

    ModelReloads(ModelCatalogReloads reloads, ModelCatalog catalog, AdminAuditLog audit, TransactionTemplate transactions) {
        this.reloads = reloads;
        this.catalog = catalog;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Reloads the models file.
     *
     * @return a notice for the page
     * @throws InvalidModelCatalogException (after auditing the refusal) when the file is not valid;
     *     the catalog is unchanged
     */
    String reload(SignedInUser admin) {
        String before = describe(catalog);
        ModelCatalog loaded;
        try {
            loaded = reloads.check();
        } catch (InvalidModelCatalogException e) {
            log.warn("Admin {} reloaded the models: refused, the catalog stays: {}", admin.id(), e.getMessage());
            transactions.executeWithoutResult(status -> audit.record(admin.id(), "MODELS_RELOAD_REFUSED", null, null,
                    "Reload models", before, "refused: " + e.getMessage()));
            throw e;
        }
        String after = describe(loaded);
        transactions.executeWithoutResult(status -> {
            audit.record(admin.id(), "MODELS_RELOADED", null, null, "Reload models", before, after);
            reloads.announce();
        });
        reloads.swap(loaded);
        return "Reloaded " + reloads.modelsFile().getFileName() + ": " + after + ".";
    }

    /** "3 models (sd15, sdxl, flux), 2 enabled". */
    static String describe(ModelCatalog catalog) {
        return catalog.all().size() + (catalog.all().size() == 1 ? " model (" : " models (")
                + String.join(", ", catalog.all().stream().map(org.text2image.server.catalog.Model::id).toList())
                + "), " + catalog.enabled().size() + " enabled";
    }
}
