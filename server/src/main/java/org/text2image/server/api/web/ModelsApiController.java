package org.text2image.server.api.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.OptionalInt;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.text2image.server.api.ApiCaller;
import org.text2image.server.catalog.Model;
import org.text2image.server.generation.GenerationLimits;
import org.text2image.server.generation.GenerationService;
import org.text2image.server.generation.PlanAllowance;

/** The models through the API: price, defaults and limits, and what the caller's plan allows (docs/API.md). */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Models", description = "The models a job may ask for.")
class ModelsApiController {

    private final GenerationService generation;

    ModelsApiController(GenerationService generation) {
        this.generation = generation;
    }

    @GetMapping("/models")
    @Operation(operationId = "listModels", summary = "List models", description = "The enabled models with their price per image, defaults and "
            + "ranges, whether the caller's plan opens each (and why not), and the request limits on the caller's plan.")
    @ApiResponse(responseCode = "200", description = "The models and limits.")
    ApiModelList models(@AuthenticationPrincipal ApiCaller caller) {
        PlanAllowance allowance = generation.allowance(caller.userId());
        Set<String> unavailable = generation.unavailableModelIds();
        GenerationLimits limits = generation.limits();
        return new ApiModelList(generation.models().stream().map(model -> model(caller, model, allowance, unavailable))
                .toList(), new ApiModelList.Limits(limits.minSize(), limits.maxWidth(), limits.maxHeight(),
                limits.maxPromptLength(), allowance.batchLimit(limits.maxBatchSize()), allowance.plan().id()));
    }

    private ApiModel model(ApiCaller caller, Model model, PlanAllowance allowance, Set<String> unavailable) {
        String lock = allowance.lock(model).orElse(null);
        OptionalInt left = lock == null ? generation.imagesLeftThisWeek(caller.userId(), model, allowance)
                : OptionalInt.empty();
        return new ApiModel(model.id(), model.name(), model.description(), model.costCredits(), model.width(),
                model.height(), range(model.steps()), range(model.cfgScale()), model.samplers(), model.sampler(),
                model.schedulers(), model.scheduler(), model.beta(), model.mature(), lock == null,
                lock == null ? null : "Needs: " + lock, left.isPresent() ? left.getAsInt() : null,
                !unavailable.contains(model.id()));
    }

    private static <T extends Number & Comparable<T>> ApiModel.Range range(Model.Range<T> range) {
        return new ApiModel.Range(range.min().doubleValue(), range.max().doubleValue(),
                range.defaultValue().doubleValue());
    }
}
