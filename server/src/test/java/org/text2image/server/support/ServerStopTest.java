package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.text2image.server.Text2ImageApplication;
import org.text2image.worker.WorkerApiClient;
import org.text2image.worker.api.ClaimRequest;
import org.text2image.worker.api.ClaimedJob;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * A normal stop (SIGTERM) of the run mode — embedded PostgreSQL and embedded worker — in a
 * process of its own: everything stops in the reverse order of start, so nothing meets a
 * database that is already gone.
 */
class ServerStopTest {

    private static final String TOKEN = "test-worker-token";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(45);

    @TempDir Path temp;

    @Test
    void aSigtermAnswersWaitingClaimsAndStopsThePoolBeforePostgresqlWithoutAnError() throws Exception {
        try (ComfyUiStandIn comfyUi = new ComfyUiStandIn().start().installedCheckpoints("v1-5-pruned-emaonly.safetensors");
             ChildJvm server = ChildJvm.start(Text2ImageApplication.class, temp.resolve("server.log"),
                     "--server.port=0",
                     "--text2image.database.embedded-data-dir=" + temp.resolve("pg"),
                     "--text2image.storage.local-folder=" + temp.resolve("images"),
                     "--text2image.catalog.models-file=" + Path.of("src/test/resources/config/models.json").toAbsolutePath(),
                     "--text2image.workers.token=" + TOKEN,
                     "--text2image.embedded-worker.comfyui-url=" + comfyUi.baseUrl())) {
            int port = Integer.parseInt(server.await(Pattern.compile("Tomcat started on port (\\d+)"), START).group(1));
            server.await(Pattern.compile("Started Text2ImageApplication"), START);
            awaitEmbeddedWorkerClaiming(comfyUi);
            try (WorkerApiClient worker = new WorkerApiClient(URI.create("http://127.0.0.1:" + port), TOKEN,
                    Duration.ofSeconds(5), Duration.ofSeconds(60))) {
                CompletableFuture<Optional<ClaimedJob>> waiting = worker.claimAsync(
                        new ClaimRequest("gpu-waiting", true, List.of()).waiting(30));
                Thread.sleep(1_000); // the server holds it: there is no job

                int beforeStop = server.output().length();
                server.process().destroy(); // SIGTERM

                assertThat(server.process().waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("stopped in time").isTrue();
                assertThat(waiting.get(5, TimeUnit.SECONDS)).as("the waiting claim was answered 204").isEmpty();
                String log = server.output();
                String stopping = log.substring(beforeStop);
                // 128 + SIGTERM: the JVM's status after a stop by signal whose shutdown hooks all ran
                assertThat(server.process().exitValue()).as(log).isEqualTo(143);
                assertThat(log.lines().filter(line -> line.contains(" ERROR "))).as("errors").isEmpty();
                assertThat(stopping.lines().filter(line -> line.contains(" WARN "))).as("warnings while stopping").isEmpty();
                assertThat(stopping).as("no connection was open when PostgreSQL stopped").doesNotContain("FATAL:");
                assertThat(stopping).containsSubsequence("Commencing graceful shutdown", "Graceful shutdown complete",
                        "text2image - Shutdown completed", "received smart shutdown request", "database system is shut down",
                        "Embedded PostgreSQL stopped");
            }
        }
    }

    /** The embedded worker found the stand-in reachable and opened its socket: its next call is a waiting claim. */
    private static void awaitEmbeddedWorkerClaiming(ComfyUiStandIn comfyUi) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (comfyUi.socketsOpened() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(comfyUi.socketsOpened()).isPositive();
        Thread.sleep(500);
    }
}
