package org.text2image.server.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.account.AccountService;
import org.text2image.server.credits.CreditLedger;
import org.text2image.server.credits.LotSource;
import org.text2image.server.support.IntegrationTest;
import org.text2image.server.support.TestDatabase;
import org.text2image.worker.comfyui.standin.ComfyUiStandIn;

/**
 * Serving benchmark (issue 9): the packaged server jar as its own process (embedded PostgreSQL,
 * embedded worker, a ComfyUI stand-in that takes no time) against anchors measured in the same
 * run — nginx serving the same image files, the same workflow sent straight to the stand-in, and
 * the credit ledger alone in this JVM. Prints one table with each goal and whether it is met;
 * figures go to docs/BENCHMARKS.md. Not part of the test suite; run it with {@code bench/serving.sh}.
 * The server's JVM options come from {@code T2I_JVM_OPTIONS} (as {@code ./run.sh} uses them).
 */
@IntegrationTest
@TestPropertySource(properties = "spring.datasource.hikari.maximum-pool-size=16")
class ServingBenchmark {

    static final String CHECKPOINT = "v1-5-pruned-emaonly.safetensors";
    static final String TOKEN = "bench-worker-token";
    private static final int USERS = 64;
    private static final int CLIENT_THREADS = 8;
    private static final int LATENCY_WARM_UP = 20;
    private static final int LATENCY_SAMPLES = 40;
    private static final int WRK_SECONDS = 8;

    @Autowired CreditLedger ledger;
    @Autowired AccountService accounts;
    @Autowired TransactionTemplate tx;
    @Autowired TestDatabase db;

    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Wrk.Submits submits;

    @Test
    void servingAgainstAnchors() throws Exception {
        Path work = Files.createTempDirectory("t2i-serving");
        Path repository = Path.of("..").toAbsolutePath().normalize();
        String jvmOptions = Objects.requireNonNullElse(System.getenv("T2I_JVM_OPTIONS"), "");
        double[] memory;
        try {
            memory = runServer(repository, jvmOptions, work);
        } finally {
            deleteQuietly(work);
        }
        double ledgerRate = ledgerPairsPerSecond();
        rows.add(row("accepted submits/s (HTTP form posts with CSRF, " + USERS + " users, " + CLIENT_THREADS + " client threads)",
                String.format(Locale.ROOT, "%,.0f/s (POST p50 %.1f ms%s)", submits.acceptedPerSecond(), submits.medianMs(),
                        submits.refused() > 0 ? ", " + submits.refused() + " refused" : ""),
                String.format(Locale.ROOT, "the ledger alone (64 users, 8 threads): %,.0f hold+capture/s", ledgerRate),
                String.format(Locale.ROOT, "%.2f x", submits.acceptedPerSecond() / ledgerRate), ">= 1,000/s",
                submits.acceptedPerSecond() >= 1000));
        rows.add(row("server RSS idle / peak (VmRSS / VmHWM)", String.format(Locale.ROOT, "%.0f / %.0f MB", memory[0], memory[1]),
                "", "", "peak <= 512 MB", memory[1] <= 512));
        String table = String.join("\n",
                "Server JVM options: `" + (jvmOptions.isBlank() ? "(none)" : jvmOptions) + "`",
                "",
                "| path | server | anchor in the same run | ratio | goal | met |",
                "|---|---|---|---|---|---|",
                String.join("\n", rows),
                "",
                String.join("\n\n", notes));
        System.out.println(table);
        Path out = Path.of("target", "benchmarks", "serving.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\n");
    }

    private double[] runServer(Path repository, String jvmOptions, Path work) throws Exception {
        try (ComfyUiStandIn comfyUi = new ComfyUiStandIn().start().installedCheckpoints(CHECKPOINT)) {
            comfyUi.goOffline(); // the embedded worker claims nothing until the noise image is seeded
            try (ServerProcess server = ServerProcess.start(repository, jvmOptions, work.resolve("server"),
                    arguments(comfyUi, work))) {
                return measureServer(server, comfyUi, work);
            }
        }
    }

    private static void deleteQuietly(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<String> arguments(ComfyUiStandIn comfyUi, Path work) {
        return List.of("--text2image.database.embedded-data-dir=" + work.resolve("postgres"),
                "--text2image.database.embedded-durable=false",
                "--text2image.storage.local-folder=" + work.resolve("images"),
                "--text2image.embedded-worker.comfyui-url=" + comfyUi.baseUrl(),
                "--text2image.workers.token=" + TOKEN,
                "--text2image.accounts.signup-credits=1000000",
                "--text2image.generation.max-queued-jobs-per-user=1000000",
                "--logging.level.org.text2image=WARN");
    }

    /** Measures everything on the running server; returns its RSS idle and peak in MB. */
    private double[] measureServer(ServerProcess server, ComfyUiStandIn comfyUi, Path work) throws Exception {
        URI base = URI.create("http://127.0.0.1:" + server.port());
        SiteClient owner = new SiteClient(base).register("owner@example.com");
        Thread.sleep(5000);
        double idle = server.residentMegabytes()[0];
        UUID bigJob = ImageSeeder.seedNoiseImage(base, owner);
        String bigImage = owner.imagePath(bigJob);
        comfyUi.comeBackOnline();
        UUID smallJob = owner.submit("a small image");
        requireSucceeded(owner, smallJob);
        String smallImage = owner.imagePath(smallJob);
        Path www = work.resolve("www");
        Files.createDirectories(www);
        Files.write(www.resolve("big.png"), owner.bytes(bigImage));
        Files.write(www.resolve("small.png"), owner.bytes(smallImage));

        measureImages(base, owner, www, work, bigImage, smallImage,
                owner.signedImagePath(bigJob), owner.signedImagePath(smallJob));
        measureSubmitToImage(owner, comfyUi);
        measureSubmits(base, comfyUi, work);
        return new double[] {idle, server.residentMegabytes()[1]};
    }

    private void measureImages(URI base, SiteClient owner, Path www, Path work, String bigImage, String smallImage,
                               String bigSigned, String smallSigned) throws Exception {
        String cookie = "Cookie: " + owner.cookieHeader();
        try (NginxAnchor nginx = NginxAnchor.start(www, work.resolve("nginx"))) {
            for (String name : new String[] {"big", "small"}) {
                long size = Files.size(www.resolve(name + ".png"));
                double goal = name.equals("big") ? 0.5 : 0.1;
                Wrk.Result anchor = Wrk.run("http://127.0.0.1:" + nginx.port() + "/" + name + ".png", null, WRK_SECONDS);
                // The signed URL is what the pages show; /images/{id} (session and ownership check) serves downloads.
                String signed = name.equals("big") ? bigSigned : smallSigned;
                if (signed != null) {
                    imageRow(String.format(Locale.ROOT, "signed `/i/{id}?…` (what pages show), %.1f KB PNG", size / 1024.0),
                            base.resolve(signed).toString(), null, anchor, goal);
                }
                imageRow(String.format(Locale.ROOT, "`/images/{id}` with the session cookie, %.1f KB PNG", size / 1024.0),
                        base.resolve(name.equals("big") ? bigImage : smallImage).toString(), cookie, anchor, goal);
            }
        }
    }

    private void imageRow(String label, String url, String header, Wrk.Result anchor, double goal) throws Exception {
        Wrk.run(url, header, 2); // warm-up: the JIT compiles the path
        Wrk.Result served = Wrk.run(url, header, WRK_SECONDS);
        double ratio = served.requestsPerSecond() / anchor.requestsPerSecond();
        rows.add(row(label, served.describe(), "nginx (sendfile): " + anchor.describe(),
                String.format(Locale.ROOT, "%.3f x", ratio), ">= " + goal + " x nginx", ratio >= goal && served.failures() == 0));
    }

    private void measureSubmitToImage(SiteClient owner, ComfyUiStandIn comfyUi) throws Exception {
        DirectComfyUi direct = new DirectComfyUi(comfyUi.baseUrl());
        var graph = comfyUi.submittedPrompts().getLast().graph();
        List<Double> viaServer = new ArrayList<>();
        List<Double> straight = new ArrayList<>();
        List<List<Double>> steps = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < LATENCY_WARM_UP + LATENCY_SAMPLES; i++) {
            long[] at = new long[5];
            at[0] = System.nanoTime();
            UUID job = owner.submit("latency " + i);
            at[1] = System.nanoTime();
            requireSucceeded(owner, job);
            at[2] = System.nanoTime();
            String image = owner.imagePath(job);
            at[3] = System.nanoTime();
            owner.bytes(image);
            at[4] = System.nanoTime();
            direct.run(graph);
            long end = System.nanoTime();
            if (i >= LATENCY_WARM_UP) {
                viaServer.add((at[4] - at[0]) / 1e6);
                straight.add((end - at[4]) / 1e6);
                for (int step = 0; step < 4; step++) {
                    steps.get(step).add((at[step + 1] - at[step]) / 1e6);
                }
            }
        }
        double server = Load.percentile(viaServer, 50);
        double anchor = Load.percentile(straight, 50);
        rows.add(row("form submit -> job stream SUCCEEDED -> image bytes, p50 (" + LATENCY_SAMPLES + " jobs, one at a time)",
                String.format(Locale.ROOT, "%.1f ms (p90 %.1f)", server, Load.percentile(viaServer, 90)),
                String.format(Locale.ROOT, "same workflow straight to the stand-in (POST /prompt, /history, /view): %.1f ms", anchor),
                String.format(Locale.ROOT, "%.1f x", server / anchor), "<= 1.5 x direct", server <= 1.5 * anchor));
        notes.add(String.format(Locale.ROOT, "Submit -> image, p50 of each step: form post %.1f ms, event stream until "
                        + "SUCCEEDED %.1f ms (the job runs meanwhile), status fragment %.1f ms, image %.1f ms.",
                Load.percentile(steps.get(0), 50), Load.percentile(steps.get(1), 50),
                Load.percentile(steps.get(2), 50), Load.percentile(steps.get(3), 50)));
    }

    /**
     * Form posts only: the stand-in takes ten minutes per prompt meanwhile, like a GPU busy with a
     * long job, so the embedded worker holds its current job and the others wait in the queue. A
     * stand-in that takes no time would let the worker finish hundreds of jobs a second — far
     * beyond any GPU — and that work would take the 2 cores from the submits being measured. The
     * posts come from {@code wrk} (one connection per client thread), which takes far less of the
     * machine than an HTTP client in this JVM.
     */
    private void measureSubmits(URI base, ComfyUiStandIn comfyUi, Path work) throws Exception {
        comfyUi.runDuration(Duration.ofMinutes(10));
        List<SiteClient> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(new SiteClient(base).register("user" + i + "@example.com"));
        }
        Wrk.submits(base, users, CLIENT_THREADS, 3, work); // warm-up
        submits = Wrk.submits(base, users, CLIENT_THREADS, 10, work);
    }

    private double ledgerPairsPerSecond() throws Exception {
        db.clean();
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            long user = accounts.register("ledger" + i + "@example.com", "correct horse").id();
            ledger.grant(user, 1_000_000, LotSource.PURCHASE, null, "bench:" + user, "benchmark");
            users.add(user);
        }
        Load.Operation pair = (thread, i) -> {
            long user = users.get((int) ((thread + i * CLIENT_THREADS) % USERS));
            UUID job = UUID.randomUUID();
            long hold = tx.execute(s -> ledger.hold(user, 1, job));
            tx.executeWithoutResult(s -> ledger.capture(hold, job));
            return true;
        };
        Load.run(CLIENT_THREADS, Duration.ofSeconds(3), pair);
        return Load.run(CLIENT_THREADS, Duration.ofSeconds(8), pair).perSecond();
    }

    private static void requireSucceeded(SiteClient client, UUID job) throws Exception {
        String state = client.awaitFinalState(job);
        if (!state.equals("SUCCEEDED")) {
            throw new IllegalStateException("job " + job + " ended " + state);
        }
    }

    private static String row(String path, String server, String anchor, String ratio, String goal, boolean met) {
        return "| " + String.join(" | ", path, server, anchor, ratio, goal, met ? "**met**" : "not met") + " |";
    }
}
