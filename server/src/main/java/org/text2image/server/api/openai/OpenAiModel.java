package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * A model in OpenAI's shape (API reference, "The model object"):
 * {@code {"id", "object": "model", "created": <unix seconds>, "owned_by": "text2image"}}.
 *
 * @param id the model id, for the {@code model} field of an images request
 * @param object always {@code model}
 * @param created when this server started, in Unix seconds (the catalog records no creation time)
 * @param ownedBy always {@code text2image}
 */
@Schema(description = "A model in OpenAI's shape.")
record OpenAiModel(@Schema(description = "The model id, for the model field of an images request.", example = "sd15")
                   @JsonProperty("id") String id,
                   @Schema(description = "Always \"model\".", example = "model") @JsonProperty("object") String object,
                   @Schema(description = "When this server started, in Unix seconds (the catalog records no "
                           + "creation time).")
                   @JsonProperty("created") long created,
                   @Schema(description = "Always \"text2image\".", example = "text2image")
                   @JsonProperty("owned_by") String ownedBy) {

    /** The model {@code id} in OpenAI's shape. */
    static OpenAiModel of(String id, long created) {
        return new OpenAiModel(id, "model", created, "text2image");
    }

    /**
     * OpenAI's list of models: {@code {"object": "list", "data": [models]}}.
     *
     * @param object always {@code list}
     * @param data the models, in the catalog's order (the first is the default model)
     */
    @Schema(name = "OpenAiModelList", description = "OpenAI's list of models.")
    record ModelList(@Schema(description = "Always \"list\".", example = "list") @JsonProperty("object") String object,
                     @Schema(description = "The enabled models, in the catalog's order (the first is the "
                             + "default model).")
                     @JsonProperty("data") List<OpenAiModel> data) {
    }
}
