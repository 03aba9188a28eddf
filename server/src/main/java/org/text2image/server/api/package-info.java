/**
 * The public API (docs/API.md): the users' API keys ({@link org.text2image.server.api.ApiKeys}),
 * job submission with Idempotency-Key ({@link org.text2image.server.api.ApiSubmissions}), the REST
 * endpoints under {@code /api/v1}, the OpenAI-compatible endpoints under {@code /v1}, and the
 * webhooks of the jobs the keys submitted. Every rule of the Generate form applies unchanged: the
 * API calls the same {@link org.text2image.server.generation.GenerationService}.
 */
@ApplicationModule(allowedDependencies = {"account", "catalog", "credits", "generation", "generation :: queue",
        "generation :: image-urls", "plans", "pricing", "settings", "storage", "support", "web"})
package org.text2image.server.api;

import org.springframework.modulith.ApplicationModule;
