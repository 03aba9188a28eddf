package org.text2image.server.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.text2image.server.web.PageTest;
import org.text2image.worker.api.WorkerApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public API's OpenAPI document at /v3/api-docs (docs/API.md, "OpenAPI"), fetched without a
 * session: it describes every operation of every REST controller of the api module (found through
 * Spring MVC's own mappings, so a new endpoint cannot be left out), nothing else — no page, no
 * worker path —, requires the bearer scheme, and describes every property of every schema.
 */
@PageTest
class OpenApiDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired MockMvc mvc;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

    JsonNode document;

    @BeforeEach
    void fetchTheDocumentWithoutASession() throws Exception {
        String body = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        document = JSON.readTree(body);
    }

    @Test
    void describesTheRestEndpoints() {
        assertThat(paths()).contains("/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel", "/api/v1/balance",
                "/api/v1/credits/history", "/api/v1/models");
        assertThat(document.path("paths").path("/api/v1/jobs").has("post")).isTrue();
        assertThat(document.path("paths").path("/api/v1/jobs").has("get")).isTrue();
        assertThat(document.path("paths").path("/api/v1/jobs/{id}/cancel").has("post")).isTrue();
    }

    @Test
    void describesEveryOperationOfEveryRestControllerOfTheApiModule() {
        List<String> operations = apiOperations();
        assertThat(operations).as("the api module's REST operations, from Spring MVC's mappings").isNotEmpty();
        List<String> missing = new ArrayList<>();
        for (String operation : operations) {
            String[] methodAndPath = operation.split(" ", 2);
            if (!document.path("paths").path(methodAndPath[1]).has(methodAndPath[0].toLowerCase(Locale.ROOT))) {
                missing.add(operation);
            }
        }
        assertThat(missing).as("operations missing from /v3/api-docs").isEmpty();
    }

    @Test
    void hasNoPageAndNoWorkerPath() {
        assertThat(paths()).allSatisfy(path -> assertThat(path).matches("/(api/)?v1/.+"));
        assertThat(paths()).noneMatch(path -> path.startsWith(WorkerApi.BASE_PATH))
                .doesNotContain("/generate", "/developers", "/login", "/admin");
    }

    @Test
    void everyOperationNeedsTheBearerKeyAndHasASummaryATagAndAnId() {
        JsonNode scheme = document.path("components").path("securitySchemes").path(OpenApiConfiguration.BEARER_SCHEME);
        assertThat(scheme.path("type").asString()).isEqualTo("http");
        assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
        assertThat(scheme.path("bearerFormat").asString()).startsWith("API key t2i_");
        assertThat(document.path("security").toString()).contains("\"" + OpenApiConfiguration.BEARER_SCHEME + "\"");
        forEachOperation((where, operation) -> {
            assertThat(operation.path("summary").asString()).as(where + " summary").isNotBlank();
            assertThat(operation.path("operationId").asString()).as(where + " operationId").isNotBlank();
            assertThat(operation.path("tags").size()).as(where + " tags").isPositive();
            assertThat(operation.path("description").asString()).as(where + " names its scope")
                    .containsPattern("Needs an API key with the (read|generate) scope\\.");
        });
        assertThat(document.path("info").path("title").asString()).isEqualTo("Text2Image API");
        assertThat(document.path("info").path("version").asString()).isNotBlank();
        assertThat(document.path("info").path("description").asString()).contains("Authorization: Bearer t2i_");
    }

    @Test
    void everyRefusalUnderApiV1IsAProblemDocument() {
        forEachOperation((where, operation) -> {
            if (!where.contains(" /api/v1/")) {
                return;
            }
            JsonNode responses = operation.path("responses");
            assertThat(responses.has("401") && responses.has("403") && responses.has("429") && responses.has("500"))
                    .as(where + " documents 401, 403, 429 and 500").isTrue();
            for (String status : responses.propertyNames()) {
                if (status.startsWith("4") || status.startsWith("5")) {
                    JsonNode response = resolve(responses.path(status));
                    assertThat(response.path("description").asString()).as(where + " " + status).isNotBlank();
                    assertThat(response.path("content").path(OpenApiConfiguration.PROBLEM_JSON).path("schema")
                            .path("$ref").asString()).as(where + " " + status + " is a problem")
                            .isEqualTo(OpenApiConfiguration.PROBLEM_SCHEMA);
                }
            }
        });
    }

    @Test
    void everySchemaAndEveryPropertyIsDescribed() {
        JsonNode schemas = document.path("components").path("schemas");
        assertThat(schemas.propertyNames()).contains("Problem", "ApiJob", "ApiJobRequest", "JobImage");
        List<String> undescribed = new ArrayList<>();
        for (String name : schemas.propertyNames()) {
            if (schemas.path(name).path("description").asString("").isBlank()) {
                undescribed.add(name);
            }
            walk(name, schemas.path(name), undescribed);
        }
        assertThat(undescribed).as("schemas and properties without a description").isEmpty();
    }

    /**
     * springdoc names a schema after its class's simple name (or {@code @Schema(name)}) and keeps
     * one of two classes of the same name silently: every such class of the api module needs its own.
     */
    @Test
    void everySchemaClassOfTheApiModuleHasItsOwnName() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Schema.class));
        Map<String, List<String>> byName = new TreeMap<>();
        for (var candidate : scanner.findCandidateComponents("org.text2image.server.api")) {
            String className = candidate.getBeanClassName();
            String simple = className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
            Object named = candidate instanceof AnnotatedBeanDefinition annotated
                    ? annotated.getMetadata().getAnnotationAttributes(Schema.class.getName()).get("name") : "";
            String name = named == null || named.toString().isEmpty() ? simple : named.toString();
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(className);
        }
        assertThat(byName).as("schema classes of the api module, nested ones too").containsKeys("ApiJob", "JobImage", "Problem");
        assertThat(byName.values()).as("two classes with one schema name").allSatisfy(classes -> assertThat(classes).hasSize(1));
        assertThat(document.path("components").path("schemas").propertyNames()).containsAll(byName.keySet());
    }

    @Test
    void theRenderedPageAndItsConfigurationArePublic() throws Exception {
        mvc.perform(get("/swagger-ui.html")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/swagger-ui/index.html"));
        mvc.perform(get("/swagger-ui/index.html")).andExpect(status().isOk());
        String config = mvc.perform(get("/v3/api-docs/swagger-config")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(JSON.readTree(config).path("url").asString()).isEqualTo("/v3/api-docs");
    }

    /** Every property (at any depth, in items and compositions too) must carry a description. */
    private static void walk(String where, JsonNode schema, List<String> undescribed) {
        if (!schema.isObject()) {
            return;
        }
        JsonNode properties = schema.path("properties");
        for (String property : properties.propertyNames()) {
            JsonNode value = properties.path(property);
            if (value.path("description").asString("").isBlank()) {
                undescribed.add(where + "." + property);
            }
            walk(where + "." + property, value, undescribed);
        }
        walk(where + "[]", schema.path("items"), undescribed);
        if (schema.path("additionalProperties").isObject()) {
            walk(where + "{}", schema.path("additionalProperties"), undescribed);
        }
        for (String composition : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : schema.path(composition)) {
                walk(where + "(" + composition + ")", part, undescribed);
            }
        }
    }

    private JsonNode resolve(JsonNode response) {
        String ref = response.path("$ref").asString("");
        return ref.isEmpty() ? response
                : document.path("components").path("responses").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private Set<String> paths() {
        return new TreeSet<>(document.path("paths").propertyNames());
    }

    private void forEachOperation(BiConsumer<String, JsonNode> check) {
        assertThat(paths()).isNotEmpty();
        for (String path : paths()) {
            JsonNode item = document.path("paths").path(path);
            for (String method : item.propertyNames()) {
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    check.accept(method.toUpperCase(Locale.ROOT) + " " + path, item.path(method));
                }
            }
        }
    }

    /** "METHOD /path" of every handler method of a {@code @RestController} in the api module. */
    private List<String> apiOperations() {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            Class<?> controller = mapping.getValue().getBeanType();
            if (!controller.getPackageName().startsWith("org.text2image.server.api")
                    || !AnnotatedElementUtils.hasAnnotation(controller, RestController.class)) {
                continue;
            }
            Set<RequestMethod> methods = mapping.getKey().getMethodsCondition().getMethods();
            for (String path : mapping.getKey().getPatternValues()) {
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    operations.add(method.name() + " " + path);
                }
            }
        }
        return List.copyOf(operations);
    }
}
