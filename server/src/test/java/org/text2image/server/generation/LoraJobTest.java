package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.Balance;
import org.text2image.server.credits.CreditStatements;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.storage.ImageStore;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.training.LoraModels;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generating with one of the user's LoRAs (docs/TRAINING.md, "Using a LoRA"): what a submit
 * accepts and refuses, the rendered workflow, the claim's LoRA capability, and a LoRA deleted
 * after its job was submitted.
 */
@IntegrationTest
class LoraJobTest {

    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired AccountService accounts;
    @Autowired CreditStatements statements;
    @Autowired LoraModels loraModels;
    @Autowired ImageStore store;
    @Autowired TestDatabase db;

    long alice;
    long bob;
    TestLoras.Lora cat;

    @BeforeEach
    void setUp() {
        db.clean();
        alice = accounts.register("alice@example.com", "correct horse").id();
        bob = accounts.register("bob@example.com", "correct horse").id();
        cat = TestLoras.create(db, store, alice, "My cat", "sdxl");
    }

    private static GenerationRequest withLora(UUID loraId, Double strength) {
        return GenerationRequest.ofPrompt("sks cat on a sofa").withLora(loraId, strength);
    }

    @Test
    void aJobWithTheUsersLoraRunsItsBaseModelAtThatModelsPrice() {
        JobView job = generation.submit(alice, withLora(cat.id(), 0.8));

        assertThat(job.parameters().modelId()).isEqualTo("sdxl");
        assertThat(job.parameters().checkpoint()).isEqualTo(TestCatalog.SDXL);
        assertThat(job.parameters().lora()).isEqualTo(new JobParameters.Lora(cat.id(), 0.8));
        assertThat(job.parameters().priceCredits()).as("SDXL's price at 1024×1024").isEqualTo(
                generation.quote(GenerationRequest.of("sdxl", "x")).priceCredits());
        assertThat(generation.submit(alice, withLora(cat.id(), null)).parameters().lora().strength())
                .as("the default strength").isEqualTo(1.0);
    }

    @Test
    void theClaimedWorkflowLoadsTheLoraAfterTheCheckpointAndTheSamplerReadsIt() {
        generation.submit(alice, withLora(cat.id(), 0.6));

        LeasedJob leased = queue.claim("gpu-1", TestCatalog.CHECKPOINTS, true).orElseThrow();

        ObjectNode workflow = leased.workflow();
        String loraNode = null;
        for (var node : workflow.properties()) {
            if (node.getValue().get("class_type").asString().equals("LoraLoaderModelOnly")) {
                loraNode = node.getKey();
            }
        }
        assertThat(loraNode).isEqualTo("10");
        JsonNode inputs = workflow.get(loraNode).get("inputs");
        assertThat(inputs.get("lora_name").asString()).isEqualTo("text2image/" + cat.sha256() + ".safetensors");
        assertThat(inputs.get("strength_model").asDouble()).isEqualTo(0.6);
        assertThat(inputs.get("model").toString()).isEqualTo("[\"4\",0]");
        assertThat(workflow.get("3").get("inputs").get("model").toString()).isEqualTo("[\"10\",0]");
        assertThat(leased.loras()).containsExactly(new LeasedJob.Lora(cat.id(), cat.sha256(), cat.bytes().length));
    }

    @Test
    void aWorkerThatKeepsNoLorasNeverGetsALoraJobWhileOneThatDoesGetsIt() {
        UUID loraJob = generation.submit(alice, withLora(cat.id(), 1.0)).id();

        assertThat(queue.claim("plain-gpu", TestCatalog.CHECKPOINTS)).isEmpty();
        assertThat(queue.claim("plain-gpu", TestCatalog.CHECKPOINTS, false)).isEmpty();
        UUID plainJob = generation.submit(alice, GenerationRequest.ofPrompt("a plain lighthouse")).id();
        assertThat(queue.claim("plain-gpu", TestCatalog.CHECKPOINTS, false)).get().extracting(LeasedJob::jobId)
                .as("the job without a LoRA, though the LoRA job is older").isEqualTo(plainJob);

        assertThat(queue.claim("lora-gpu", TestCatalog.CHECKPOINTS, true)).get().extracting(LeasedJob::jobId)
                .isEqualTo(loraJob);
    }

    @Test
    void anotherUsersLoraIsRefusedLikeAnUnknownOneWithNothingHeld() {
        for (UUID id : List.of(cat.id(), UUID.randomUUID())) {
            assertThatThrownBy(() -> generation.submit(bob, withLora(id, 1.0)))
                    .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                            .containsEntry("loraId", "Choose one of your models."));
        }
        assertThat(statements.balance(bob)).isEqualTo(new Balance(20, 0));
        assertThat(db.jdbc().sql("SELECT count(*) FROM generation_job").query(Long.class).single()).isZero();
    }

    @Test
    void aDeletedLoraIsRefusedAtSubmit() {
        loraModels.delete(cat.id(), alice);

        assertThatThrownBy(() -> generation.submit(alice, withLora(cat.id(), 1.0)))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsEntry("loraId", "Choose one of your models."));
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aLoraDeletedAfterSubmitFailsItsJobAtClaimAndReleasesTheHold() {
        UUID jobId = generation.submit(alice, withLora(cat.id(), 1.0)).id();
        assertThat(statements.balance(alice).heldCredits()).isPositive();
        loraModels.delete(cat.id(), alice);

        assertThat(queue.claim("lora-gpu", TestCatalog.CHECKPOINTS, true)).isEmpty();

        JobView job = generation.find(jobId, new Viewer(alice, false)).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error()).isEqualTo("The custom model this job uses was deleted.");
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void everyClaimListsTheLorasDeletedLately() {
        TestLoras.Lora dog = TestLoras.create(db, store, bob, "My dog", "sd15");
        loraModels.delete(dog.id(), bob);
        generation.submit(alice, GenerationRequest.ofPrompt("a lighthouse"));

        LeasedJob leased = queue.claim("gpu-1", TestCatalog.CHECKPOINTS, false).orElseThrow();

        assertThat(leased.removedLoras()).containsExactly(dog.sha256());
        assertThat(leased.loras()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(doubles = {3, -3, 2.0001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300})
    void aStrengthOutsideMinusTwoToTwoIsRefused(double strength) {
        assertThatThrownBy(() -> generation.submit(alice, withLora(cat.id(), strength)))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsEntry("loraStrength", "LoRA strength must be a number from −2 to 2, such as 1 or 0.75."));
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void theEndsOfTheStrengthRangeAreAccepted() {
        assertThat(generation.submit(alice, withLora(cat.id(), -2.0)).parameters().lora().strength()).isEqualTo(-2.0);
        assertThat(generation.submit(alice, withLora(cat.id(), 2.0)).parameters().lora().strength()).isEqualTo(2.0);
    }

    @Test
    void aLoraWhoseBaseModelIsWithdrawnOrCannotTakeOneIsRefused() {
        TestLoras.Lora retired = TestLoras.create(db, store, alice, "Old style", "retired");
        TestLoras.Lora pattern = TestLoras.create(db, store, alice, "Pattern", "modelfree");

        assertThatThrownBy(() -> generation.submit(alice, withLora(retired.id(), 1.0)))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsEntry("modelId", "The model \"Retired model\" is not available."));
        assertThatThrownBy(() -> generation.submit(alice, withLora(pattern.id(), 1.0)))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsEntry("modelId", "Test pattern cannot take a custom model: its workflow has no model loader."));
        assertThat(statements.balance(alice)).isEqualTo(new Balance(20, 0));
    }

    @Test
    void aModelOtherThanTheLorasBaseIsRefused() {
        GenerationRequest request = GenerationRequest.of("sd15", "sks cat").withLora(cat.id(), 1.0);

        assertThatThrownBy(() -> generation.submit(alice, request))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsKey("modelId"));
        assertThat(generation.submit(alice, GenerationRequest.of("sdxl", "sks cat").withLora(cat.id(), 1.0))
                .parameters().lora().id()).isEqualTo(cat.id());
    }

    @Test
    void aStrengthWithoutALoraIsRefused() {
        assertThatThrownBy(() -> generation.submit(alice, withLora(null, 1.0)))
                .isInstanceOfSatisfying(InvalidGenerationRequestException.class, e -> assertThat(e.fieldErrors())
                        .containsKey("loraStrength"));
    }

    @Test
    void runningAJobAgainKeepsItsLora() {
        JobView job = generation.submit(alice, withLora(cat.id(), 0.5));

        GenerationRequest again = JobAdministration.sameAs(job.parameters());

        assertThat(again.loraId()).isEqualTo(cat.id());
        assertThat(again.loraStrength()).isEqualTo(0.5);
        assertThat(generation.submit(alice, again).parameters().lora()).isEqualTo(job.parameters().lora());
    }
}
