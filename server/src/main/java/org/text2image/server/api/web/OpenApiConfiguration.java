package org.text2image.server.api.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Comparator;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The public API's OpenAPI 3.1 document, made by springdoc from the controllers of this package
 * and their annotations: served at {@code /v3/api-docs} and rendered at {@code /swagger-ui/index.html},
 * both public (docs/API.md, "OpenAPI"). Only {@code /api/v1/**} and {@code /v1/**} are in it
 * ({@code springdoc.paths-to-match} in application.yml): no page, no worker API.
 *
 * <p>Every operation needs the bearer scheme {@value #BEARER_SCHEME} (an API key, {@code t2i_…}).
 * {@link #sharedResponses()} adds to each operation under {@code /api/v1} the refusals every one of
 * them may answer — 401, 403, 429 and 500, as {@link ApiProblem} — and states the scope it needs.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** The name of the security scheme in {@code components.securitySchemes}. */
    static final String BEARER_SCHEME = "bearerAuth";
    /** Where the problem schema ({@link ApiProblem}) is in the document. */
    static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    /** The problem details' media type (RFC 9457). */
    static final String PROBLEM_JSON = "application/problem+json";

    private static final String DESCRIPTION = """
            Generate images with the same rules, prices and credit holds as the site's Generate page.

            **Authentication**: create an API key on the Developers page (`/developers`) and send it as \
            `Authorization: Bearer t2i_…`. A key has the scope `read` (every GET), `generate` (submitting and \
            cancelling jobs) or both.

            **Errors** under `/api/v1` are RFC 9457 problem details (`application/problem+json`) with a stable \
            `type`; a refused request writes nothing. **Idempotency**: send `Idempotency-Key` with a submission to \
            make a retry safe. **Rate limits**: a `429` carries `Retry-After` in seconds.

            Image URLs in a job are signed and work without a key until `expires_at`.""";

    @Bean
    OpenAPI publicApiDocument() {
        Components components = new Components()
                .addSecuritySchemes(BEARER_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("API key t2i_…")
                        .description("An API key from the Developers page: t2i_ followed by 43 characters, sent as "
                                + "Authorization: Bearer t2i_…. It is shown once, when it is created."))
                .addResponses("Unauthenticated", problem("No key, or a malformed, unknown or revoked key, or the key's "
                        + "account is disabled (type unauthenticated). The answer carries WWW-Authenticate: Bearer."))
                .addResponses("InsufficientScope", problem("The key lacks the scope this operation needs: GET needs "
                        + "read, anything else generate (type insufficient-scope)."))
                .addResponses("RateLimited", problem("Over a rate limit of the key, the account or the client address "
                        + "(type rate-limited), or too many of the account's jobs are active (type too-many-active-jobs). "
                        + "Nothing was done.")
                        .addHeaderObject("Retry-After", new Header().description("Seconds to wait before trying again.")
                                .schema(new IntegerSchema())))
                .addResponses("ServerError", problem("A fault of the server (type server-error); retrying may work."));
        return new OpenAPI()
                .info(new Info().title("Text2Image API").version("v1").description(DESCRIPTION))
                .components(components)
                .addSecurityItem(new SecurityRequirement().addList(BEARER_SCHEME));
    }

    /**
     * Adds the shared refusals (401, 403, 429, 500) to every operation under {@code /api/v1} that does
     * not document them itself, orders each operation's answers by status, and names the scope the
     * operation needs in its description (the rule of {@link ApiKeyFilter}: GET needs {@code read},
     * any other method {@code generate}).
     */
    @Bean
    OpenApiCustomizer sharedResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String scope = method == PathItem.HttpMethod.GET ? "read" : "generate";
                String needs = "Needs an API key with the " + scope + " scope.";
                String description = operation.getDescription() == null ? "" : operation.getDescription();
                if (!description.contains(needs)) {
                    operation.setDescription(description.isEmpty() ? needs : description + "\n\n" + needs);
                }
                if (path.startsWith("/api/v1/")) {
                    shared(operation);
                }
            }));
        };
    }

    private static void shared(Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        responses.putIfAbsent("401", new ApiResponse().$ref("#/components/responses/Unauthenticated"));
        responses.putIfAbsent("403", new ApiResponse().$ref("#/components/responses/InsufficientScope"));
        responses.putIfAbsent("429", new ApiResponse().$ref("#/components/responses/RateLimited"));
        responses.putIfAbsent("500", new ApiResponse().$ref("#/components/responses/ServerError"));
        ApiResponses sorted = new ApiResponses();
        responses.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(entry -> sorted.addApiResponse(entry.getKey(), entry.getValue()));
        operation.setResponses(sorted);
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content()
                .addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(PROBLEM_SCHEMA))));
    }
}
