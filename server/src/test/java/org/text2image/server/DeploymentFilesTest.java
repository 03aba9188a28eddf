package org.text2image.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The deployment files under {@code deploy/} (docs/DEPLOYMENT.md) are checked without Docker or a
 * cluster: every YAML file parses; the compose file has the scaled-out services; every variable the
 * compose file, the Kubernetes manifests and the systemd environment files give a server is in
 * DEPLOYMENT.md's table, and every row of that table is the relaxed-binding name of a real key
 * (documented in docs/CONFIGURATION.md, or one of Spring Boot's own from its configuration
 * metadata on the classpath); the Kubernetes probes ask the actuator's health groups; and both
 * nginx files pass {@code nginx -t} where nginx is installed (required when {@code CI=true}).
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    /** A row of DEPLOYMENT.md's variable table: | `VARIABLE` | `property` | default | meaning |. */
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\| `([a-z0-9\\-]+\\.[a-z0-9.\\-\\[\\]]+)` \\|");
    /** Variables that are no configuration key: the JVM's, glibc's and the AWS SDK's credential chain. */
    private static final Set<String> NOT_KEYS = Set.of(
            "JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    /** The environment variables the standalone worker reads (worker/README.md, WorkerMain). */
    private static final Set<String> WORKER_VARIABLES = Set.of(
            "T2I_SERVER_URL", "T2I_WORKER_TOKEN", "T2I_COMFYUI_URL", "T2I_WORKER_NAME");
    /** What the worker also reads (worker/WorkerMain), left out of the example files or commented there. */
    private static final Set<String> OPTIONAL_WORKER_VARIABLES = Set.of(
            "T2I_WORKER_TRAIN", "T2I_LORAS_DIR", "T2I_LORA_CACHE_MB", "T2I_COMFYUI_DIR");

    @Test
    void everyYamlFileUnderDeployParses() {
        List<Path> files = files(DEPLOY, ".yaml", ".yml");
        assertThat(files).extracting(file -> DEPLOY.relativize(file).toString())
                .contains("compose.yaml", "kubernetes/server.yaml", "kubernetes/worker-sd15-rtx4090.yaml");
        for (Path file : files) {
            List<Object> documents = yamlDocuments(file);
            assertThat(documents).as(DEPLOY.relativize(file).toString()).isNotEmpty().doesNotContainNull();
        }
    }

    @Test
    void composeRunsTwoServersOnPostgresAndMinioBehindNginxWithAWorker() {
        Map<String, Map<String, Object>> services = composeServices();
        assertThat(services).containsKeys("postgres", "minio", "minio-bucket", "server-1", "server-2", "nginx");
        assertThat(services.get("postgres").get("image")).isEqualTo("postgres:16");
        for (String server : List.of("server-1", "server-2")) {
            Map<String, String> env = environment(services.get(server));
            assertThat(env).as(server)
                    .containsEntry("TEXT2IMAGE_EMBEDDEDWORKER_ENABLED", "false")
                    .containsEntry("TEXT2IMAGE_STORAGE_TYPE", "s3")
                    .containsEntry("TEXT2IMAGE_STORAGE_S3_ENDPOINT", "http://minio:9000")
                    .containsEntry("TEXT2IMAGE_STORAGE_S3_PATHSTYLE", "true");
            assertThat(env.get("SPRING_DATASOURCE_URL")).as(server).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(env).as(server).containsKeys("TEXT2IMAGE_IMAGES_SIGNINGKEY", "T2I_WORKER_TOKEN");
        }
        List<String> workers = services.keySet().stream().filter(name -> name.startsWith("worker")).toList();
        assertThat(workers).hasSize(1);
        Map<String, String> worker = environment(services.get(workers.getFirst()));
        assertThat(worker.keySet()).containsExactlyInAnyOrderElementsOf(withJavaOptions(WORKER_VARIABLES));
        assertThat(worker.get("T2I_COMFYUI_URL")).contains("COMFYUI_URL");
        assertThat(read(DEPLOY.resolve("nginx/compose.conf")))
                .contains("server server-1:8080", "server server-2:8080");
    }

    @Test
    void everyVariableGivenToAServerIsInTheDeploymentTable() {
        Map<String, String> table = deploymentTable();
        Set<String> given = new TreeSet<>();
        composeServices().forEach((name, service) -> {
            if (name.startsWith("server")) {
                given.addAll(environment(service).keySet());
            }
        });
        for (Object document : yamlDocuments(DEPLOY.resolve("kubernetes/configmap.yaml"))) {
            given.addAll(map(map(document).get("data")).keySet());
        }
        for (Object document : yamlDocuments(DEPLOY.resolve("kubernetes/secret.example.yaml"))) {
            given.addAll(map(map(document).get("stringData")).keySet());
        }
        given.addAll(environmentFile(DEPLOY.resolve("systemd/text2image-server.env")).keySet());
        assertThat(given).contains("SPRING_DATASOURCE_URL", "TEXT2IMAGE_EMBEDDEDWORKER_ENABLED");

        String deployment = read(ROOT.resolve("docs/DEPLOYMENT.md"));
        List<String> missing = new ArrayList<>();
        for (String variable : given) {
            boolean known = table.containsKey(variable)
                    || (NOT_KEYS.contains(variable) || variable.startsWith("T2I_")) && deployment.contains("`" + variable + "`");
            if (!known) {
                missing.add(variable);
            }
        }
        assertThat(missing).as("variables given to a server but not in docs/DEPLOYMENT.md's table").isEmpty();
    }

    @Test
    void everyWorkerVariableIsOneTheWorkerReads() {
        Set<String> given = new TreeSet<>(environmentFile(DEPLOY.resolve("systemd/text2image-worker.env")).keySet());
        for (Object document : yamlDocuments(DEPLOY.resolve("kubernetes/worker-sd15-rtx4090.yaml"))) {
            Map<String, Object> spec = map(map(map(map(document).get("spec")).get("template")).get("spec"));
            for (Object container : list(spec.get("containers"))) {
                if ("worker".equals(map(container).get("name"))) {
                    for (Object variable : list(map(container).get("env"))) {
                        given.add((String) map(variable).get("name"));
                    }
                }
            }
        }
        assertThat(given).containsAll(WORKER_VARIABLES);
        assertThat(withJavaOptions(WORKER_VARIABLES)).containsAll(given);
        String readme = read(ROOT.resolve("worker/README.md"));
        assertThat(WORKER_VARIABLES).allSatisfy(variable -> assertThat(readme).contains(variable));
        assertThat(OPTIONAL_WORKER_VARIABLES).allSatisfy(variable -> assertThat(readme).contains(variable));
        String example = read(DEPLOY.resolve("systemd/text2image-worker.env"));
        assertThat(OPTIONAL_WORKER_VARIABLES).allSatisfy(variable -> assertThat(example).contains("# " + variable + "="));
    }

    @Test
    void everyRowOfTheDeploymentTableIsTheRelaxedNameOfARealKey() {
        Map<String, String> table = deploymentTable();
        assertThat(table).hasSizeGreaterThan(100);
        String configuration = read(ROOT.resolve("docs/CONFIGURATION.md"));
        Set<String> springKeys = springBootKeys();
        List<String> wrong = new ArrayList<>();
        table.forEach((variable, property) -> {
            if (!variable.equals(relaxedName(property))) {
                wrong.add(variable + " is not the environment name of " + property + " (" + relaxedName(property) + ")");
            }
            boolean documented = documentedIn(configuration, property)
                    || springKeys.stream().anyMatch(key -> property.equals(key) || property.startsWith(key + "."));
            if (!documented) {
                wrong.add(property + " is neither in docs/CONFIGURATION.md nor a Spring Boot key");
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void kubernetesProbesAskTheActuatorHealthGroups() {
        Map<String, Object> deployment = kubernetesObject("kubernetes/server.yaml", "Deployment");
        assertThat(map(deployment.get("spec")).get("replicas")).isEqualTo(2);
        Map<String, Object> container = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).getFirst());
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
        assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
        assertThat(list(container.get("ports"))).extracting(port -> map(port).get("containerPort")).containsExactly(8080);

        Map<String, Object> worker = kubernetesObject("kubernetes/worker-sd15-rtx4090.yaml", "Deployment");
        Map<String, Object> podSpec = map(map(map(worker.get("spec")).get("template")).get("spec"));
        assertThat(map(podSpec.get("nodeSelector"))).isNotEmpty();
        assertThat(list(podSpec.get("containers")))
                .anySatisfy(c -> assertThat(map(map(map(c).get("resources")).get("limits"))).containsEntry("nvidia.com/gpu", 1));

        Map<String, Object> ingress = kubernetesObject("kubernetes/ingress.yaml", "Ingress");
        assertThat(map(map(ingress.get("metadata")).get("annotations")))
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "100m");
    }

    @Test
    void nginxStreamsEventsUnbufferedAndTakesAWholeWorkerUpload() {
        for (String file : List.of("nginx/text2image.conf", "nginx/compose.conf")) {
            String config = read(DEPLOY.resolve(file));
            Matcher events = Pattern.compile("location ~ \\^/\\(jobs/[^{]*/events\\$ \\{([^}]*)}").matcher(config);
            assertThat(events.find()).as(file + ": a location for the event streams").isTrue();
            assertThat(events.group(1)).contains("proxy_buffering off;", "proxy_read_timeout 1h;");
            Matcher worker = Pattern.compile("location /api/worker/ \\{([^}]*)}").matcher(config);
            assertThat(worker.find()).as(file + ": a location for the worker API").isTrue();
            // A video job's completion: up to the largest model limit (512 MiB) and a poster.
            assertThat(worker.group(1)).contains("proxy_read_timeout 120s;", "client_max_body_size 600m;");
            assertThat(config).contains("client_max_body_size 100m;", "X-Forwarded-Proto $scheme", "X-Forwarded-For");
        }
        // The server's own limits: the multipart maximum is sized for the largest video and stays above nginx's.
        assertThat(read(ROOT.resolve("server/src/main/resources/application.yml"))).contains("max-request-size: 1100MB");
    }

    @Test
    void nginxAcceptsBothConfigurations(@TempDir Path dir) throws Exception {
        boolean installed = onPath("nginx") && onPath("openssl");
        if ("true".equals(System.getenv("CI"))) {
            assertThat(installed).as("nginx and openssl are installed in CI (.ci/run)").isTrue();
        }
        assumeThat(installed).as("nginx is not installed").isTrue();
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
        for (String file : List.of("nginx/text2image.conf", "nginx/compose.conf")) {
            String site = read(DEPLOY.resolve(file))
                    .replaceAll("ssl_certificate\\s+\\S+;", "ssl_certificate " + dir.resolve("cert.pem") + ";")
                    .replaceAll("ssl_certificate_key\\s+\\S+;", "ssl_certificate_key " + dir.resolve("key.pem") + ";")
                    // the compose services' names resolve only inside compose
                    .replaceAll("server server-\\d:8080", "server 127.0.0.1:8080");
            Files.writeString(dir.resolve("site.conf"), site);
            Files.writeString(dir.resolve("nginx.conf"), """
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events {}
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        include %1$s/site.conf;
                    }
                    """.formatted(dir));
            String output = run(dir, "nginx", "-t", "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                    "-c", dir.resolve("nginx.conf").toString());
            assertThat(output).as(file).contains("test is successful");
        }
    }

    @Test
    void theImagesAndUnitsStartTheServerWithRunShsMemorySettings() {
        Matcher defaults = Pattern.compile("T2I_JVM_OPTIONS=\"\\$\\{T2I_JVM_OPTIONS-([^}]*)}\"")
                .matcher(read(ROOT.resolve("scripts/jvm-options.sh")));
        assertThat(defaults.find()).as("scripts/jvm-options.sh's default options").isTrue();
        String options = defaults.group(1);
        assertThat(read(ROOT.resolve("server/pom.xml"))).contains("<JAVA_TOOL_OPTIONS>" + options + "</JAVA_TOOL_OPTIONS>");
        assertThat(read(DEPLOY.resolve("compose.yaml"))).contains("${T2I_JVM_OPTIONS:-" + options + "}");
        assertThat(read(DEPLOY.resolve("systemd/text2image-server.service"))).contains("T2I_JVM_OPTIONS=" + options + "\"");
    }

    @Test
    void jibIsBoundToNoPhaseSoTheTestsAndRunShNeverBuildImages() {
        for (String pom : List.of("pom.xml", "server/pom.xml", "worker/pom.xml")) {
            Matcher jib = Pattern.compile("<artifactId>jib-maven-plugin</artifactId>(.*?)</plugin>", Pattern.DOTALL)
                    .matcher(read(ROOT.resolve(pom)));
            assertThat(jib.find()).as(pom + " configures Jib").isTrue();
            assertThat(jib.group(1)).as(pom).doesNotContain("<executions>", "<phase>");
        }
        // The server image's writable /data comes from this folder, which .gitignore's data/ would leave out.
        assertThat(ROOT.resolve("server/src/main/jib/data/README.txt")).exists();
    }

    // --- reading the files

    private static Map<String, String> deploymentTable() {
        Map<String, String> table = new LinkedHashMap<>();
        Matcher row = TABLE_ROW.matcher(read(ROOT.resolve("docs/DEPLOYMENT.md")));
        while (row.find()) {
            table.put(row.group(1), row.group(2));
        }
        return table;
    }

    /** Spring Boot's relaxed binding from the environment: dots to underscores, no dashes, upper case. */
    static String relaxedName(String property) {
        return property.replace("[", "").replace("]", "").replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Whether docs/CONFIGURATION.md documents the key: in full, or as a row {@code `rest`} (or one of a
     * row's keys, or {@code rest.count} / {@code rest.per} of a rate limit) under a section headed
     * {@code `prefix.*`}.
     */
    private static boolean documentedIn(String configuration, String property) {
        if (configuration.contains("`" + property + "`")) {
            return true;
        }
        String key = property.replaceAll("\\.(count|per)$", "");
        for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            String prefix = key.substring(0, dot);
            String rest = key.substring(dot + 1);
            int section = configuration.indexOf("`" + prefix + ".*`");
            if (section >= 0) {
                int next = configuration.indexOf("\n## ", section);
                String body = configuration.substring(section, next < 0 ? configuration.length() : next);
                if (Pattern.compile("(?m)^\\| [^|]*`" + Pattern.quote(rest) + "`").matcher(body).find()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every property and group name in Spring Boot's (and springdoc's) configuration metadata. */
    private static Set<String> springBootKeys() {
        Set<String> keys = new LinkedHashSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL url : Collections.list(DeploymentFilesTest.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode metadata = json.readTree(in);
                    for (String part : List.of("properties", "groups")) {
                        for (JsonNode entry : metadata.path(part)) {
                            keys.add(entry.path("name").asString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(keys).as("Spring Boot's configuration metadata").contains("server.port", "spring.datasource.url");
        return keys;
    }

    private static Map<String, Map<String, Object>> composeServices() {
        Map<String, Object> compose = map(yamlDocuments(DEPLOY.resolve("compose.yaml")).getFirst());
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
        return services;
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        map(service.get("environment")).forEach((name, value) -> env.put(name, String.valueOf(value)));
        return env;
    }

    private static Map<String, String> environmentFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return env;
    }

    private static Map<String, Object> kubernetesObject(String file, String kind) {
        return yamlDocuments(DEPLOY.resolve(file)).stream().map(DeploymentFilesTest::map)
                .filter(object -> kind.equals(object.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no " + kind));
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    private static Set<String> withJavaOptions(Set<String> variables) {
        Set<String> all = new TreeSet<>(variables);
        all.add("JAVA_TOOL_OPTIONS");
        return all;
    }

    private static List<Object> yamlDocuments(Path file) {
        List<Object> documents = new ArrayList<>();
        new Yaml().loadAll(read(file)).forEach(documents::add);
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    private static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> Stream.of(suffixes).anyMatch(file.toString()::endsWith)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Stream.of(path.split(":")).anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        if (!command[0].contains("/") && !onPathOnly(command[0])) {
            line.set(0, Stream.of("/usr/sbin", "/sbin").map(d -> Path.of(d, command[0]))
                    .filter(Files::isExecutable).findFirst().orElseThrow().toString());
        }
        Process process = new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    private static boolean onPathOnly(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }
}
