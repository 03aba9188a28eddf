package org.text2image.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.css;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.sse;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.UUID;

/**
 * The load test of {@code bench/load.sh} (docs/BENCHMARKS.md, "Two instances behind nginx
 * (Gatling)"): virtual users who each sign in through the form and then run jobs one after another,
 * every other one submitted through the Generate form and the rest through {@code POST
 * /api/v1/jobs} with an {@code Idempotency-Key} (sent twice: the repeat must answer the same job,
 * {@code Idempotent-Replayed: true}); each job's page stream ({@code /jobs/{id}/events}, Server-Sent
 * Events, {@code "final":true}) is read until it ends and must end {@code SUCCEEDED}; then the job
 * is read through the API and its image fetched from the signed URL (200, {@code image/png}, the PNG
 * signature). A closed model: concurrency ramps up, then holds; the users share one pool of
 * keep-alive connections (as behind a proxy), and send no cache headers (no 304).
 *
 * <p>With {@code -Dt2i.mode=anchor} the same users instead fetch {@code /anchor.png}, a static file
 * of the image's size that nginx serves, as many times per loop as a job makes requests.
 *
 * <p>System properties: {@code t2i.baseUrl} (e.g. {@code http://127.0.0.1:8490}), {@code t2i.users}
 * (the CSV feeder: {@code email,password,key}), {@code t2i.mode} ({@code site} or {@code anchor}),
 * {@code t2i.concurrency} (virtual users at the top, default 8), {@code t2i.rampSeconds} (default
 * 10), {@code t2i.holdSeconds} (default 30), {@code t2i.jobsPerUser} (jobs per sign-in, default 4),
 * {@code t2i.imageBytes} (the image's size in bytes: a smaller body than half of it fails the check).
 */
public class LoadSimulation extends Simulation {

    private static final String BASE = System.getProperty("t2i.baseUrl", "http://127.0.0.1:8490");
    private static final String USERS = System.getProperty("t2i.users", "users.csv");
    private static final String MODE = System.getProperty("t2i.mode", "site");
    private static final int CONCURRENCY = Integer.getInteger("t2i.concurrency", 8);
    private static final int RAMP_SECONDS = Integer.getInteger("t2i.rampSeconds", 10);
    private static final int HOLD_SECONDS = Integer.getInteger("t2i.holdSeconds", 30);
    private static final int JOBS_PER_USER = Integer.getInteger("t2i.jobsPerUser", 4);
    private static final int IMAGE_BYTES = Integer.getInteger("t2i.imageBytes", 0);
    /** The job's stream must end within this (the stand-in takes no time; a queue of jobs does). */
    private static final int STREAM_TIMEOUT_SECONDS = 60;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final String CSRF = "input[name='_csrf']";
    /** A stream message whose data says the job reached its final state (data is JSON, escaped or not). */
    private static final String FINAL = "final\\\\?\"\\s*:\\s*true";
    private static final String STATUS = "status\\\\?\"\\s*:\\s*\\\\?\"([A-Z]+)";
    private static final String JOB_ID = "/jobs/([0-9a-fA-F-]{36})";

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE)
            .acceptHeader("text/html,application/json,*/*")
            .userAgentHeader("text2image-load-test")
            .disableCaching() // every image and anchor request is a full 200, no 304
            .shareConnections();

    private static ChainBuilder signIn() {
        return exec(
                http("login page").get("/login").check(status().is(200), css(CSRF, "value").saveAs("csrf")),
                http("login").post("/login").disableFollowRedirect()
                        .formParam("username", "#{email}").formParam("password", "#{password}")
                        .formParam("_csrf", "#{csrf}")
                        .check(status().is(302), header("Location").transform(l -> l.endsWith("/generate")).is(true)),
                http("generate page").get("/generate").check(status().is(200), css(CSRF, "value").saveAs("csrf")));
    }

    private static ChainBuilder submitThroughForm() {
        return exec(http("submit (form)").post("/generate").disableFollowRedirect()
                .formParam("_csrf", "#{csrf}").formParam("modelId", "sd15")
                .formParam("prompt", "a lighthouse at dusk, load test #{email}")
                .formParam("negativePrompt", "").formParam("width", "512").formParam("height", "512")
                .formParam("batchSize", "1").formParam("seed", "")
                // Left empty, as the page leaves the fields a basic plan may not set: the model's defaults.
                .formParam("steps", "").formParam("cfgScale", "").formParam("sampler", "").formParam("scheduler", "")
                .check(status().is(302), header("Location").transform(l -> {
                    var m = java.util.regex.Pattern.compile(JOB_ID).matcher(l);
                    return m.find() ? m.group(1) : "none: " + l;
                }).saveAs("job")));
    }

    private static ChainBuilder submitThroughApi() {
        return exec(session -> session.set("idempotencyKey", UUID.randomUUID().toString())).exec(
                http("submit (API)").post("/api/v1/jobs")
                        .header("Authorization", "Bearer #{key}").header("Idempotency-Key", "#{idempotencyKey}")
                        .header("Content-Type", "application/json")
                        .body(StringBody("{\"model\": \"sd15\", \"prompt\": \"a lighthouse at dusk, load test #{idempotencyKey}\", "
                                + "\"width\": 512, \"height\": 512}"))
                        .check(status().is(201), jsonPath("$.id").saveAs("job")),
                http("submit repeated (API)").post("/api/v1/jobs")
                        .header("Authorization", "Bearer #{key}").header("Idempotency-Key", "#{idempotencyKey}")
                        .header("Content-Type", "application/json")
                        .body(StringBody("{\"model\": \"sd15\", \"prompt\": \"a lighthouse at dusk, load test #{idempotencyKey}\", "
                                + "\"width\": 512, \"height\": 512}"))
                        .check(status().is(200), header("Idempotent-Replayed").is("true"), jsonPath("$.id").isEL("#{job}")));
    }

    /** The job page's stream until its final event, which must say SUCCEEDED; then the job and its image. */
    private static ChainBuilder followAndFetch() {
        return exec(
                sse("job stream until final").get("/jobs/#{job}/events")
                        .header("Accept", "text/event-stream")
                        .await(Duration.ofSeconds(STREAM_TIMEOUT_SECONDS)).on(
                                sse.checkMessage("job final event").matching(regex(FINAL))
                                        .check(regex(STATUS).is("SUCCEEDED"))),
                sse("close job stream").close(),
                http("job (API)").get("/api/v1/jobs/#{job}").header("Authorization", "Bearer #{key}")
                        .check(status().is(200), jsonPath("$.status").is("succeeded"),
                                jsonPath("$.images[0].url").transform(LoadSimulation::pathOf).saveAs("image")),
                http("image (signed URL)").get("#{image}")
                        .check(status().is(200), header("Content-Type").is("image/png"), png()));
    }

    /** A PNG (its signature), of at least half the expected size when one is given. */
    private static io.gatling.javaapi.core.CheckBuilder png() {
        return bodyBytes().transform(b -> b.length >= Math.max(8, IMAGE_BYTES / 2)
                && java.util.Arrays.equals(b, 0, 8, PNG_SIGNATURE, 0, 8)).is(true);
    }

    /** {@code https://host/i/…?…} → {@code /i/…?…}: the same image through the base under test. */
    static String pathOf(String url) {
        int scheme = url.indexOf("://");
        int path = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
        return path < 0 ? url : url.substring(path);
    }

    private static ScenarioBuilder site() {
        return scenario("site").feed(csv(USERS).circular()).exec(signIn()).exitHereIfFailed().exec(
                repeat(JOBS_PER_USER, "n").on(exec(session -> session.set("viaForm", session.getInt("n") % 2 == 0))
                        .doIfOrElse("#{viaForm}").then(submitThroughForm()).orElse(submitThroughApi())
                        .exitHereIfFailed() // no job to follow: this user stops (the error is counted)
                        .exec(followAndFetch())));
    }

    /** As many GETs per job as {@link #site()} makes (form or API submit, stream, job, image: about 5). */
    private static ScenarioBuilder anchor() {
        return scenario("anchor").exec(repeat(JOBS_PER_USER * 5).on(
                http("anchor: static PNG (nginx)").get("/anchor.png").check(status().is(200), png())));
    }

    {
        ScenarioBuilder scenario = "anchor".equals(MODE) ? anchor() : site();
        setUp(scenario.injectClosed(
                rampConcurrentUsers(1).to(CONCURRENCY).during(Duration.ofSeconds(RAMP_SECONDS)),
                constantConcurrentUsers(CONCURRENCY).during(Duration.ofSeconds(HOLD_SECONDS))))
                .protocols(protocol);
    }
}
