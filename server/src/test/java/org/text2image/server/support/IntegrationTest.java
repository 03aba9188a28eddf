package org.text2image.server.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A Spring Boot test on the real embedded PostgreSQL (one per test context, fresh data, not
 * durable: commits need not survive an OS crash), with the
 * test models of {@code src/test/resources/config/models.json}, the test packs of
 * {@code src/test/resources/config/packs.json} with UPI on, a {@link MutableClock}, no embedded
 * worker, no rate limits, webhooks allowed to local http receivers and delivered only when a
 * test runs the task, and a real HTTP port. Each test context gets its own PostgreSQL data directory. {@link TestDatabase#clean()} empties the tables between tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "text2image.database.embedded-data-dir=target/test-postgres/${random.uuid}",
        "text2image.database.embedded-clean=true",
        "text2image.database.embedded-durable=false",
        "text2image.embedded-worker.enabled=false",
        "text2image.catalog.models-file=src/test/resources/config/models.json",
        "text2image.payments.packs-file=src/test/resources/config/packs.json",
        "text2image.plans.file=src/test/resources/config/plans.json",
        "text2image.payments.upi.vpa=text2image@okaxis",
        "text2image.payments.upi.payee-name=Text2Image Studio & Co",
        "text2image.storage.local-folder=target/test-images",
        "text2image.workers.token=test-worker-token",
        "text2image.generation.reaper-interval=1h",
        // tests run the plan-grant and expiry tasks themselves and count what one run does
        // (plans/PlanPeriodsTest, credits/CreditLotsTest, payments/UpiPaymentInputTest)
        "text2image.plans.grant-interval=1h",
        "text2image.credits.expiry-interval=1h",
        "text2image.payments.expiry-interval=1h",
        // LoRA completions over this size are refused (training/TrainingWorkerApiTest)
        "text2image.training.max-lora-bytes=64KB",
        "spring.thymeleaf.cache=false",
        // all tests sign in and submit from 127.0.0.1; RateLimitsTest turns the limits on
        "text2image.rate-limits.enabled=false",
        // webhook tests post to a receiver on http://127.0.0.1 and run the delivery task themselves
        // (CallbackUrlsTest checks the refusals with both switches off)
        "text2image.api.webhooks.allow-http=true",
        "text2image.api.webhooks.allow-private-addresses=true",
        "text2image.api.webhooks.delivery-interval=1h",
        // Observability: Prometheus's bearer token for /actuator/prometheus (web/MetricsTest)
        "text2image.metrics.token=test-metrics-token"
})
@Import(TestSupportConfiguration.class)
public @interface IntegrationTest {
}
