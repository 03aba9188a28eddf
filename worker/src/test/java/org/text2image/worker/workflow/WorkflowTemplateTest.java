package org.text2image.worker.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class WorkflowTemplateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String SD15 = """
            {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
             "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "masterpiece, {{prompt}}", "clip": ["4", 1]}},
             "5": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{ height }}", "batch_size": "{{batch_size}}"}},
             "3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}",
                   "sampler_name": "{{sampler}}", "scheduler": "{{scheduler}}", "denoise": 1.0, "model": ["4", 0]}},
             "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}""";

    @Test
    void rendersWholePlaceholdersAsTypedJsonValues() {
        ObjectNode graph = template(SD15).render(values());
        JsonNode sampler = graph.get("3").get("inputs");
        assertThat(sampler.get("seed").isIntegralNumber()).isTrue();
        assertThat(sampler.get("seed").asLong()).isEqualTo(9_007_199_254_740_993L);
        assertThat(sampler.get("steps").isIntegralNumber()).isTrue();
        assertThat(sampler.get("cfg").isDouble()).isTrue();
        assertThat(sampler.get("cfg").asDouble()).isEqualTo(7.5);
        assertThat(sampler.get("sampler_name").asString()).isEqualTo("euler");
        assertThat(sampler.get("denoise").asDouble()).isEqualTo(1.0);
        assertThat(graph.get("5").get("inputs").get("height").asInt()).isEqualTo(768);
        assertThat(graph.get("4").get("inputs").get("ckpt_name").asString()).isEqualTo("model.safetensors");
    }

    @Test
    void replacesPlaceholdersInsideLongerTextAsText() {
        ObjectNode graph = template(SD15).render(values());
        assertThat(graph.get("6").get("inputs").get("text").asString()).isEqualTo("masterpiece, a \"quoted\" fox $1 \\n");
    }

    @Test
    void putsTheFilenamePrefixOnEveryOutputNodeEvenWithoutThePlaceholder() {
        ObjectNode graph = template(SD15).render(values());
        assertThat(graph.get("9").get("inputs").get("filename_prefix").asString()).isEqualTo("text2image/job-1");
    }

    @Test
    void leavesLinksAndTheTemplateItselfUntouched() {
        WorkflowTemplate template = template(SD15);
        template.render(values());
        ObjectNode again = template.render(values());
        assertThat(again.get("3").get("inputs").get("model").toString()).isEqualTo("[\"4\",0]");
    }

    @Test
    void aTemplateMayUseAnySubsetOfPlaceholders() {
        WorkflowTemplate template = template("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
                 "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}""");
        assertThat(template.placeholders()).isEmpty();
        assertThat(template.render(values()).get("1").get("inputs").get("width").asInt()).isEqualTo(8);
    }

    @Test
    void refusesUnknownPlaceholdersNamingTheSource() {
        assertThatThrownBy(() -> template(SD15.replace("{{sampler}}", "{{sampler_name}}")))
                .isInstanceOf(InvalidWorkflowTemplateException.class)
                .hasMessageContaining("wf.json")
                .hasMessageContaining("{{sampler_name}}");
    }

    @Test
    void refusesGraphsWithoutOutputNodeOrClassType() {
        assertThatThrownBy(() -> template("{\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {}}}"))
                .hasMessageContaining("has no output node");
        assertThatThrownBy(() -> template("{\"1\": {\"inputs\": {}}}")).hasMessageContaining("needs a class_type");
        assertThatThrownBy(() -> template("[]")).hasMessageContaining("not an API-format workflow");
    }

    @Test
    void refusesToRenderWithoutAValueForAUsedPlaceholder() {
        assertThatThrownBy(() -> template(SD15).render(WorkflowValues.builder().put(Placeholder.PROMPT, "x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no value for {{");
    }

    @Test
    void valuesMustHaveThePlaceholdersType() {
        assertThatThrownBy(() -> WorkflowValues.builder().put(Placeholder.WIDTH, "512").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{width}} needs a integer");
    }

    private static WorkflowTemplate template(String json) {
        return WorkflowTemplate.of("wf.json", JSON.readTree(json));
    }

    private static WorkflowValues values() {
        return WorkflowValues.builder()
                .put(Placeholder.PROMPT, "a \"quoted\" fox $1 \\n")
                .put(Placeholder.NEGATIVE_PROMPT, "")
                .put(Placeholder.WIDTH, 512)
                .put(Placeholder.HEIGHT, 768)
                .put(Placeholder.BATCH_SIZE, 1)
                .put(Placeholder.SEED, 9_007_199_254_740_993L)
                .put(Placeholder.STEPS, 20)
                .put(Placeholder.CFG, 7.5)
                .put(Placeholder.SAMPLER, "euler")
                .put(Placeholder.SCHEDULER, "normal")
                .put(Placeholder.CHECKPOINT, "model.safetensors")
                .put(Placeholder.FILENAME_PREFIX, "text2image/job-1")
                .build();
    }
}
