package org.text2image.server.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
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
record OpenAiModel(@JsonProperty("id") String id, @JsonProperty("object") String object,
                   @JsonProperty("created") long created, @JsonProperty("owned_by") String ownedBy) {

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
    record ModelList(@JsonProperty("object") String object, @JsonProperty("data") List<OpenAiModel> data) {
    }
}
