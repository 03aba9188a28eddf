package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.text2image.worker.workflow.WorkflowTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@link LoraInsertion} on the shipped SD 1.5 workflow ({@code config/workflows/sd15.json}) and small graphs. */
class LoraInsertionTest {

    private static final String SHA = "ab".repeat(32);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode sd15() throws Exception {
        return (ObjectNode) JSON.readTree(Files.readString(Path.of("../config/workflows/sd15.json")));
    }

    @Test
    void theLoraFollowsTheCheckpointLoaderAndTheSamplerReadsItsModel() throws Exception {
        ObjectNode graph = sd15();

        String id = LoraInsertion.insert(graph, SHA, 0.75);

        assertThat(id).as("largest node id 9, + 1").isEqualTo("10");
        ObjectNode lora = (ObjectNode) graph.get("10");
        assertThat(lora.get("class_type").asString()).isEqualTo("LoraLoaderModelOnly");
        assertThat(lora.get("inputs").get("model").toString()).isEqualTo("[\"4\",0]");
        assertThat(lora.get("inputs").get("lora_name").asString()).isEqualTo("text2image/" + SHA + ".safetensors");
        assertThat(lora.get("inputs").get("strength_model").asDouble()).isEqualTo(0.75);
        assertThat(graph.get("3").get("inputs").get("model").toString()).as("the KSampler's model").isEqualTo("[\"10\",0]");
    }

    @Test
    void theLoadersOtherOutputsAreLeftAlone() throws Exception {
        ObjectNode graph = sd15();

        LoraInsertion.insert(graph, SHA, 1);

        assertThat(graph.get("6").get("inputs").get("clip").toString()).as("CLIP").isEqualTo("[\"4\",1]");
        assertThat(graph.get("8").get("inputs").get("vae").toString()).as("VAE").isEqualTo("[\"4\",2]");
        assertThat(graph.get("8").get("inputs").get("samples").toString()).isEqualTo("[\"3\",0]");
        assertThat(graph.size()).isEqualTo(8);
    }

    @Test
    void aUnetLoaderTakesTheLoraWhenThereIsNoCheckpointLoader() {
        ObjectNode graph = (ObjectNode) JSON.readTree("""
                {"12": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux.safetensors"}},
                 "x": {"class_type": "ModelSamplingFlux", "inputs": {"model": ["12", 0]}},
                 "30": {"class_type": "KSampler", "inputs": {"model": ["x", 0], "seed": 1}},
                 "31": {"class_type": "SaveImage", "inputs": {"images": ["30", 0]}}}""");

        String id = LoraInsertion.insert(graph, SHA, -1.5);

        assertThat(id).isEqualTo("32");
        assertThat(graph.get("x").get("inputs").get("model").toString()).isEqualTo("[\"32\",0]");
        assertThat(graph.get("30").get("inputs").get("model").toString()).as("reads another node").isEqualTo("[\"x\",0]");
        assertThat(graph.get("32").get("inputs").get("model").toString()).isEqualTo("[\"12\",0]");
    }

    @Test
    void aGraphWithoutAModelLoaderCannotTakeALora() throws Exception {
        ObjectNode graph = (ObjectNode) JSON.readTree(Files.readString(
                Path.of("src/test/resources/config/workflows/modelfree.json")));
        String before = graph.toString();

        assertThatThrownBy(() -> LoraInsertion.insert(graph, SHA, 1))
                .isInstanceOf(LoraInsertion.NoModelLoaderException.class).hasMessageContaining("no model loader");
        assertThat(graph.toString()).as("unchanged").isEqualTo(before);
        assertThat(LoraInsertion.canTakeLora(WorkflowTemplate.of("modelfree.json", graph).classTypes())).isFalse();
        assertThat(LoraInsertion.canTakeLora(WorkflowTemplate.of("sd15.json", sd15()).classTypes())).isTrue();
        assertThat(LoraInsertion.canTakeLora(Set.of("UNETLoader", "SaveImage"))).isTrue();
    }
}
