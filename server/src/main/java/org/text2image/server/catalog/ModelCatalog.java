package org.text2image.server.catalog;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The models users can generate with, read at start-up from {@code config/models.json} (see
 * {@link ModelCatalogLoader} for the file's shape). Each read sees one whole, immutable list of
 * models; an admin's reload ({@link ModelCatalogReloads}) swaps in another list, checked first,
 * in one step, so a reader never sees half of one file and half of another.
 */
public final class ModelCatalog {

    private final AtomicReference<List<Model>> models;

    /** @param models every configured model, in file order (ids unique) */
    public ModelCatalog(List<Model> models) {
        this.models = new AtomicReference<>(List.copyOf(models));
    }

    /** Enabled models, in file order: the Generate page's dropdown. */
    public List<Model> enabled() {
        return models.get().stream().filter(Model::enabled).toList();
    }

    /** Every configured model, enabled or not. */
    public List<Model> all() {
        return models.get();
    }

    /** The model with this id, enabled or not. */
    public Optional<Model> find(String id) {
        return models.get().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The first enabled model: the form's preselection. */
    public Optional<Model> defaultModel() {
        return enabled().stream().findFirst();
    }

    /** Takes the models of {@code checked} (a catalog the loader has checked) in place of the current ones. */
    void replaceWith(ModelCatalog checked) {
        models.set(checked.all());
    }
}
