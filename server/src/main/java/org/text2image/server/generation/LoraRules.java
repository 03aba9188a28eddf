package org.text2image.server.generation;

import java.util.Map;
import org.springframework.stereotype.Component;
import org.text2image.server.catalog.Model;
import org.text2image.server.generation.queue.LoraInsertion;
import org.text2image.server.training.LoraModel;
import org.text2image.server.training.LoraModels;

/**
 * The rules of a request made with one of the user's LoRAs (docs/TRAINING.md, "Using a LoRA"), for
 * {@link GenerationValidator}: the LoRA must be the user's own and not deleted (anything else, an
 * unknown id included, gets the same message, {@link #CHOOSE_YOUR_MODEL}); the job runs the LoRA's
 * base model, which must be an image model whose workflow has a loader to put the LoRA after; the
 * strength is −2 … 2 (1 when not given).
 */
@Component
public class LoraRules {

    /** The message for a LoRA the user may not generate with: unknown, deleted, malformed or another user's. */
    public static final String CHOOSE_YOUR_MODEL = "Choose one of your models.";

    private final LoraModels loras;

    LoraRules(LoraModels loras) {
        this.loras = loras;
    }

    /**
     * The request's LoRA, checked for {@code userId}; null when the request has none or it is
     * refused (then {@code errors} says why, under {@code loraId} or {@code modelId}).
     *
     * @param userId the requesting user; null (a quote without a user) refuses every LoRA
     */
    LoraModel lora(GenerationRequest request, Long userId, Map<String, String> errors) {
        if (request.loraId() == null) {
            if (request.loraStrength() != null) {
                errors.put("loraStrength", "A LoRA strength goes with a LoRA: choose one of your models.");
            }
            return null;
        }
        LoraModel lora = userId == null ? null : loras.usable(request.loraId(), userId).orElse(null);
        if (lora == null) {
            errors.put("loraId", CHOOSE_YOUR_MODEL);
            return null;
        }
        String modelId = request.modelId() == null ? "" : request.modelId().strip();
        if (!modelId.isEmpty() && !modelId.equals(lora.baseModelId())) {
            errors.put("modelId", "\"" + lora.name() + "\" was trained on the model \"" + lora.baseModelId()
                    + "\": leave the model out, or name that one.");
            return null;
        }
        return lora;
    }

    /**
     * Whether the LoRA's base model can take it: an image model whose workflow has a
     * {@code CheckpointLoaderSimple} or {@code UNETLoader}. Says why not in {@code errors}.
     */
    static boolean baseTakesLora(Model base, Map<String, String> errors) {
        if (base.isVideo()) {
            errors.put("modelId", "Custom models work with image models only; " + base.name() + " makes videos.");
            return false;
        }
        if (!LoraInsertion.canTakeLora(base.workflow().classTypes())) {
            errors.put("modelId", base.name() + " cannot take a custom model: its workflow has no model loader.");
            return false;
        }
        return true;
    }

    /** The strength asked for, or 1; out of range, NaN or infinite gets a message under {@code loraStrength}. */
    static double strength(Double value, Map<String, String> errors) {
        double strength = value == null ? JobParameters.Lora.DEFAULT_STRENGTH : value;
        if (!Double.isFinite(strength) || strength < JobParameters.Lora.MIN_STRENGTH
                || strength > JobParameters.Lora.MAX_STRENGTH) {
            errors.put("loraStrength", "LoRA strength must be a number from −2 to 2, such as 1 or 0.75.");
        }
        return strength;
    }
}
