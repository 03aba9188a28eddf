package org.text2image.server.catalog;

import java.util.List;
import org.text2image.worker.workflow.Placeholder;
import org.text2image.worker.workflow.WorkflowTemplate;

/**
 * One model of {@code config/models.json}: what the user picks on the Generate page.
 *
 * @param id stable identifier stored on jobs, e.g. {@code sd15}
 * @param name display name
 * @param description one line for the dropdown
 * @param kind {@code image} or {@code video}
 * @param workflow the parsed, checked ComfyUI workflow template
 * @param checkpoint checkpoint file name for {@code {{checkpoint}}}, e.g. {@code v1-5-pruned-emaonly.safetensors}
 * @param costCredits price of one image at the base size, ≥ 1; for a video model, of one video at the
 *     model's default size and length (docs/MODELS.md, "Video models")
 * @param enabled whether users may pick it
 * @param width default width in pixels
 * @param height default height in pixels
 * @param steps default, minimum and maximum sampler steps
 * @param cfgScale default, minimum and maximum CFG scale
 * @param sampler default sampler name (ComfyUI KSampler {@code sampler_name})
 * @param scheduler default scheduler name (ComfyUI KSampler {@code scheduler})
 * @param samplers samplers offered for this model
 * @param schedulers schedulers offered for this model
 * @param beta marked as a beta model (default false): only plans with beta access may use it
 * @param mature marked as producing mature content (default false): only plans with mature content, for users who opted in
 * @param video the video settings of a {@code video} model; null for an image model
 */
public record Model(String id, String name, String description, String kind, WorkflowTemplate workflow,
                    String checkpoint, long costCredits, boolean enabled, int width, int height,
                    Range<Integer> steps, Range<Double> cfgScale, String sampler, String scheduler,
                    List<String> samplers, List<String> schedulers, boolean beta, boolean mature,
                    VideoSpec video) {

    /** An image model. */
    public Model(String id, String name, String description, String kind, WorkflowTemplate workflow,
                 String checkpoint, long costCredits, boolean enabled, int width, int height, Range<Integer> steps,
                 Range<Double> cfgScale, String sampler, String scheduler, List<String> samplers,
                 List<String> schedulers, boolean beta, boolean mature) {
        this(id, name, description, kind, workflow, checkpoint, costCredits, enabled, width, height, steps, cfgScale,
                sampler, scheduler, samplers, schedulers, beta, mature, null);
    }

    /** Whether this is a video model ({@code "kind": "video"}, with {@link #video()} set). */
    public boolean isVideo() {
        return video != null;
    }

    /**
     * Whether the model's workflow template uses a parameter, so the Generate form offers it and
     * the job page shows it: a template without a sampler node has no {@code {{steps}}}.
     *
     * @param placeholderKey a placeholder's key as written in templates: {@code seed}, {@code steps},
     *     {@code cfg}, {@code sampler}, {@code scheduler}, {@code negative_prompt} … ({@link Placeholder})
     * @throws IllegalArgumentException for a key that is no placeholder (a typo in a page)
     */
    public boolean uses(String placeholderKey) {
        Placeholder placeholder = Placeholder.fromKey(placeholderKey)
                .orElseThrow(() -> new IllegalArgumentException("No placeholder {{" + placeholderKey + "}}"));
        return workflow.placeholders().contains(placeholder);
    }

    /**
     * A default with inclusive bounds.
     *
     * @param defaultValue used when the user gives none
     * @param min smallest accepted value
     * @param max largest accepted value
     */
    public record Range<T extends Comparable<T>>(T defaultValue, T min, T max) {

        /** Whether {@code value} lies within [min, max]. */
        public boolean contains(T value) {
            return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }
    }
}
