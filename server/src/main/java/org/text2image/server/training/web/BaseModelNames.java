package org.text2image.server.training.web;

import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.catalog.ModelCatalog;

/**
 * The display name of the catalog model a LoRA was trained on, for the My models and training
 * pages ({@code @baseModelNames.name(lora.baseModelId)}): the catalog's {@code name}, or the id
 * when the model has left the catalog.
 */
@Component("baseModelNames")
public class BaseModelNames {

    private final ModelCatalog catalog;

    BaseModelNames(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** The model's name, such as {@code Stable Diffusion 1.5}, or {@code modelId} when unknown. */
    public String name(String modelId) {
        return catalog.find(modelId).map(Model::name).orElse(modelId);
    }
}
