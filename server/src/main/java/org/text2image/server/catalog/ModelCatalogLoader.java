package org.text2image.server.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code config/models.json} at start-up and fails the start with a message naming the
 * file when anything is wrong (unknown placeholder, no output node, bad numbers, duplicate id).
 *
 * <p>Shape: {@code {"models": [{"id", "name", "description", "kind", "workflow" (template path
 * relative to the models file), "checkpoint", "cost_credits", "enabled", "width", "height",
 * "steps": {"default", "min", "max"}, "cfg_scale": {"default", "min", "max"}, "sampler",
 * "scheduler", "samplers": [...], "schedulers": [...]}]}}. Only id, name, workflow and
 * cost_credits are required; see docs/MODELS.md for defaults.
 */
@Configuration(proxyBeanMethods = false)
public class ModelCatalogLoader {

    /** ComfyUI 0.8's KSampler {@code sampler_name} choices (comfy/samplers.py KSAMPLER_NAMES + ddim, uni_pc). */
    public static final List<String> COMFYUI_SAMPLERS = List.of("euler", "euler_cfg_pp", "euler_ancestral",
            "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast",
            "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu",
            "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu",
            "ddpm", "lcm", "ipndm", "ipndm_v", "deis", "res_multistep", "gradient_estimation", "er_sde",
            "seeds_2", "seeds_3", "ddim", "uni_pc", "uni_pc_bh2");
    /** ComfyUI 0.8's KSampler {@code scheduler} choices (comfy/samplers.py SCHEDULER_NAMES). */
    public static final List<String> COMFYUI_SCHEDULERS = List.of("simple", "sgm_uniform", "karras",
            "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic", "kl_optimal");

    @Bean
    ModelCatalog modelCatalog(CatalogProperties properties) {
        return load(properties.modelsFile());
    }

    /**
     * Loads and checks a models file.
     *
     * @throws InvalidModelCatalogException naming the file and the problem
     */
    public static ModelCatalog load(Path modelsFile) {
        Path file = modelsFile.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelCatalogException(file, "does not exist (text2image.catalog.models-file)");
        }
        JsonNode root = readJson(file, file);
        JsonNode models = root.path("models");
        if (!models.isArray() || models.isEmpty()) {
            throw new InvalidModelCatalogException(file, "needs a non-empty \"models\" array");
        }
        List<Model> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : models) {
            Model model = ModelReader.read(file, node, path -> readJson(file, path));
            if (!ids.add(model.id())) {
                throw new InvalidModelCatalogException(file, "has two models with id \"" + model.id() + "\"");
            }
            result.add(model);
        }
        if (result.stream().noneMatch(Model::enabled)) {
            throw new InvalidModelCatalogException(file, "has no enabled model");
        }
        return new ModelCatalog(result);
    }

    private static JsonNode readJson(Path modelsFile, Path path) {
        if (!Files.isRegularFile(path)) {
            throw new InvalidModelCatalogException(modelsFile, "refers to " + path + ", which does not exist");
        }
        try {
            return JsonMapper.builder().build().readTree(Files.readString(path));
        } catch (IOException | JacksonException e) {
            throw new InvalidModelCatalogException(modelsFile, "could not read " + path + ": " + e.getMessage());
        }
    }

    /** Used by {@link ModelReader} for template files. */
    interface JsonFiles {
        JsonNode read(Path path);
    }

}
