package org.text2image.server.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.text2image.server.account.AccountService;
import org.text2image.server.account.SignedInUser;
import org.text2image.server.generation.queue.JobQueue;
import org.text2image.server.support.TestCatalog;
import org.text2image.server.support.TestDatabase;
import org.text2image.server.web.PageTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every log line about a job carries its {@code jobId} and {@code userId} (docs/OPERATIONS.md,
 * "Logs"): the job's lines are captured as the structured (ECS JSON) console format writes them
 * with {@code T2I_LOG_FORMAT=ecs}, through submit, claim, a worker API failure and cancel.
 */
@PageTest
class JobLogContextTest {

    @Autowired MockMvc mvc;
    @Autowired AccountService accounts;
    @Autowired GenerationService generation;
    @Autowired JobQueue queue;
    @Autowired TestDatabase db;

    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender;
    Logger generationLogs;

    @BeforeEach
    void captureTheJobsLogsAsJson() {
        db.clean();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        generationLogs = context.getLogger("org.text2image.server.generation");
        generationLogs.addAppender(appender);
    }

    @AfterEach
    void stopCapturing() {
        generationLogs.detachAppender(appender);
        appender.stop();
    }

    @Test
    void everyLineAboutAJobCarriesItsJobIdAndUserId() throws Exception {
        SignedInUser alice = accounts.register("alice@example.com", "correct horse");
        UUID jobId = generation.submit(alice.id(), GenerationRequest.of("sd15", "a lighthouse")).id();
        LeasedJob claimed = queue.claim("gpu-1", TestCatalog.CHECKPOINTS).orElseThrow();
        assertThat(claimed.jobId()).isEqualTo(jobId);
        mvc.perform(post("/api/worker/v1/jobs/" + jobId + "/fail")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer test-worker-token")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"attempt\":" + claimed.attempt() + ",\"reason\":\"CUDA out of memory\",\"retryable\":true}"))
                .andExpect(status().isOk());
        generation.cancel(jobId, alice.id());

        List<JsonNode> lines = lines().stream().filter(line -> line.path("message").asString().contains(jobId.toString()))
                .toList();
        assertThat(lines).extracting(line -> line.path("message").asString())
                .anyMatch(message -> message.contains("queued for user"))
                .anyMatch(message -> message.contains("leased to worker"))
                .anyMatch(message -> message.contains("will retry"))
                .anyMatch(message -> message.contains("cancelled"));
        assertThat(lines).allSatisfy(line -> {
            assertThat(field(line, "jobId")).isEqualTo(jobId.toString());
            assertThat(field(line, "userId")).isEqualTo(Long.toString(alice.id()));
        });
        assertThat(MDC.getCopyOfContextMap() == null || MDC.getCopyOfContextMap().isEmpty())
                .as("nothing left in this thread's log context").isTrue();
    }

    private List<JsonNode> lines() {
        JsonMapper json = JsonMapper.builder().build();
        return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n")).filter(line -> !line.isBlank())
                .map(json::readTree).toList();
    }

    /** A field of the line, at the top or nested (ECS puts unknown fields at the top level). */
    private static String field(JsonNode line, String name) {
        JsonNode found = line.findValue(name);
        return found == null ? null : found.asString();
    }
}
