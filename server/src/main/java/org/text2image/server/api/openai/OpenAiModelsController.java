package org.text2image.server.api.openai;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.text2image.server.generation.GenerationService;

/**
 * OpenAI's models endpoints (docs/API.md, "OpenAI-compatible endpoints"): the enabled image models
 * of the catalog (video models are for {@code POST /api/v1/jobs}), in OpenAI's shape. What the caller's plan
 * allows of each is in {@code GET /api/v1/models}.
 */
@RestController
@RequestMapping("/v1")
@Tag(name = "OpenAI-compatible", description = "For OpenAI's SDKs.")
class OpenAiModelsController {

    private final GenerationService generation;
    /** When this server started, in Unix seconds: every model's {@code created}. */
    private final long started;

    OpenAiModelsController(GenerationService generation, Clock clock) {
        this.generation = generation;
        this.started = clock.instant().getEpochSecond();
    }

    @GetMapping("/models")
    @Operation(summary = "List models (OpenAI-compatible)", description = "The enabled models, the default one first.")
    @ApiResponse(responseCode = "200", description = "{\"object\": \"list\", \"data\": [models]}")
    OpenAiModel.ModelList models() {
        return new OpenAiModel.ModelList("list",
                generation.models().stream().filter(model -> !model.isVideo())
                        .map(model -> OpenAiModel.of(model.id(), started)).toList());
    }

    @GetMapping("/models/{id}")
    @Operation(summary = "Get a model (OpenAI-compatible)")
    @ApiResponse(responseCode = "200", description = "{\"id\", \"object\": \"model\", \"created\", \"owned_by\"}")
    @ApiResponse(responseCode = "404", description = "No enabled model has this id (model_not_found).")
    OpenAiModel model(@PathVariable("id") String id) {
        return generation.models().stream().filter(model -> !model.isVideo() && model.id().equals(id)).findFirst()
                .map(model -> OpenAiModel.of(model.id(), started))
                .orElseThrow(() -> new OpenAiRefusal(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found",
                        null, "The model '" + (id.length() > 64 ? id.substring(0, 64) + "…" : id)
                        + "' does not exist. GET /v1/models lists the models."));
    }
}
