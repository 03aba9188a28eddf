package org.text2image.server.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The models users can generate with, read once at start-up from {@code config/models.json}
 * (see {@link ModelCatalogLoader} for the file's shape). Immutable.
 */
public final class ModelCatalog {

    private final List<Model> models;

    /** @param models every configured model, in file order (ids unique) */
    public ModelCatalog(List<Model> models) {
        this.models = List.copyOf(models);
    }

    /** Enabled models, in file order: the Generate page's dropdown. */
    public List<Model> enabled() {
        return models.stream().filter(Model::enabled).toList();
    }

    /** Every configured model, enabled or not. */
    public List<Model> all() {
        return models;
    }

    /** The model with this id, enabled or not. */
    public Optional<Model> find(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The first enabled model: the form's preselection. */
    public Optional<Model> defaultModel() {
        return enabled().stream().findFirst();
    }
}
