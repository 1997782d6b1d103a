package dev.looplab.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files in infra/deploy, checked where no Docker or cluster runs: they parse, every app
 * container starts an app this build makes, probes reach the health endpoints on the app's port, the GPU
 * workers take one GPU each, services select pods that exist, and every LOOPLAB_* setting they pass is one
 * an app reads (in an application.properties or the README's settings), so a typo cannot ship.
 */
class DeployFilesTest {
    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("infra/deploy");
    static final Set<String> APPS = Set.of("platform/app", "worker", "proposer-agents");
    static final Map<String, Integer> PORTS = Map.of("platform/app", 8080, "worker", 8081, "proposer-agents", 8082);

    @Test
    void everyKubernetesContainerRunsAnAppWithProbesOnItsPortAndSettingsTheAppsRead() throws IOException {
        List<Map<String, Object>> docs = kubernetes();
        assertThat(docs).extracting(d -> d.get("kind")).contains("ConfigMap", "Service", "StatefulSet", "Deployment", "Secret");
        Set<String> settings = new TreeSet<>();
        List<Map<String, Object>> workloads = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            assertThat(doc).containsKeys("apiVersion", "kind", "metadata");
            assertThat(map(doc, "metadata").get("name")).as("a name for every object").isNotNull();
            String kind = (String) doc.get("kind");
            if (kind.equals("ConfigMap") || kind.equals("Secret")) {
                Map<String, Object> data = map(doc, kind.equals("Secret") ? "stringData" : "data");
                settings.addAll(data.keySet());
            }
            if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
                workloads.add(doc);
            }
        }
        assertThat(workloads).hasSize(4);
        for (Map<String, Object> workload : workloads) {
            String name = (String) map(workload, "metadata").get("name");
            Map<String, Object> spec = map(workload, "spec");
            Map<String, Object> template = map(spec, "template");
            assertThat(map(map(spec, "selector"), "matchLabels")).as(name + " selects its own pods")
                    .isEqualTo(filter(map(map(template, "metadata"), "labels"), map(map(spec, "selector"), "matchLabels").keySet()));
            for (Map<String, Object> container : list(map(template, "spec"), "containers")) {
                Map<String, String> env = new java.util.HashMap<>();
                for (Map<String, Object> e : list(container, "env")) {
                    env.put((String) e.get("name"), String.valueOf(e.get("value")));
                }
                settings.addAll(env.keySet());
                String app = env.get("LOOPLAB_APP");
                assertThat(APPS).as(name + " runs an app of this build").contains(app);
                assertThat(ROOT.resolve(app).resolve("pom.xml")).exists();
                int port = app.equals("platform/app") ? Integer.parseInt(env.get("LOOPLAB_PORT"))
                        : Integer.parseInt(env.get("QUARKUS_HTTP_PORT"));
                assertThat(port).as(name + " listens where its app does by default").isEqualTo(PORTS.get(app));
                Map<String, Object> containerPort = list(container, "ports").get(0);
                assertThat(containerPort.get("containerPort")).isEqualTo(port);
                assertThat(map(map(container, "livenessProbe"), "httpGet").get("path")).isEqualTo("/q/health/live");
                assertThat(map(map(container, "readinessProbe"), "httpGet").get("path")).isEqualTo("/q/health/ready");
                assertThat(map(map(container, "readinessProbe"), "httpGet").get("port")).isEqualTo(containerPort.get("name"));
                Map<String, Object> resources = map(container, "resources");
                if (name.contains("gpu")) {
                    assertThat(map(resources, "requests").get("nvidia.com/gpu")).as("one GPU per worker pod").isEqualTo(1);
                    assertThat(map(resources, "limits").get("nvidia.com/gpu")).isEqualTo(1);
                    assertThat(env.get("LOOPLAB_WORKER_DEVICES")).as("the pod's one GPU").isEqualTo("0");
                } else {
                    assertThat(map(resources, "requests")).doesNotContainKey("nvidia.com/gpu");
                }
            }
        }
        // each Service selects the pods of a workload
        for (Map<String, Object> doc : docs) {
            if ("Service".equals(doc.get("kind"))) {
                Map<String, Object> selector = map(map(doc, "spec"), "selector");
                assertThat(workloads).anyMatch(w -> map(map(map(w, "spec"), "template"), "metadata").get("labels") instanceof Map<?, ?> labels
                        && labels.entrySet().containsAll(selector.entrySet()));
            }
        }
        assertKnown(settings);
    }

    @Test
    void everyComposeAppRunsAnAppOfThisBuildWithAHealthCheckAndSettingsTheAppsRead() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        Map<String, Object> services = map(compose, "services");
        assertThat(services).containsKeys("kafka", "postgres", "minio", "platform", "worker", "worker-gpu0", "proposer");
        Set<String> settings = new TreeSet<>();
        for (String service : List.of("platform", "worker", "worker-gpu0", "proposer")) {
            Map<String, Object> s = map(services, service);
            Map<String, Object> env = map(s, "environment");
            settings.addAll(env.keySet());
            String app = (String) env.get("LOOPLAB_APP");
            assertThat(APPS).as(service + " runs an app of this build").contains(app);
            assertThat(s.get("image")).as(service + " uses the Looplab image").asString().contains("looplab:");
            int port = PORTS.get(app);
            assertThat(String.valueOf(env.getOrDefault("LOOPLAB_PORT", env.get("QUARKUS_HTTP_PORT"))))
                    .isEqualTo(Integer.toString(port));
            assertThat(list(map(s, "healthcheck"), "test").toString())
                    .contains("http://localhost:" + port + "/q/health/ready");
            if (app.equals("platform/app")) {
                assertThat(env.get("LOOPLAB_KAFKA_BOOTSTRAP")).isEqualTo("kafka:9092");
            } else {
                // a worker or the proposer joins with the platform's URL and its token, as on another host
                assertThat(env.get("LOOPLAB_PLATFORM_URL")).as(service).isEqualTo("http://platform:8080");
                assertThat(env).as(service + " holds no service address or credential").doesNotContainKeys(
                        "LOOPLAB_KAFKA_BOOTSTRAP", "LOOPLAB_DB_URL", "LOOPLAB_DB_PASSWORD", "LOOPLAB_S3_ENDPOINT",
                        "LOOPLAB_S3_SECRET_KEY");
            }
        }
        Map<String, Object> gpu = map(services, "worker-gpu0");
        assertThat(map(gpu, "environment").get("LOOPLAB_WORKER_DEVICES")).isEqualTo("0");
        Map<String, Object> device = list(map(map(map(gpu, "deploy"), "resources"), "reservations"), "devices").get(0);
        assertThat(device.get("device_ids")).isEqualTo(List.of("0"));
        assertThat(map(map(services, "platform"), "environment")).doesNotContainKey("LOOPLAB_WORKER_DEVICES");
        assertThat(list(map(services, "platform"), "ports").toString()).as("published on loopback unless asked")
                .contains("${LOOPLAB_BIND:-127.0.0.1}:8080:8080");
        assertKnown(settings);
    }

    @Test
    void givenTheDeployments_thenThePlatformListensBeyondLoopbackWithTokens_andEachAppHoldsOnlyItsOwnToken()
            throws IOException {
        Map<String, Object> services = map(new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml"))), "services");
        Map<String, Object> platform = map(map(services, "platform"), "environment");
        assertThat(platform.get("LOOPLAB_BIND")).isEqualTo("0.0.0.0");
        assertThat(platform).containsKeys("LOOPLAB_ADMIN_TOKEN", "LOOPLAB_WORKER_TOKEN", "LOOPLAB_AGENT_TOKEN");
        for (String worker : List.of("worker", "worker-gpu0")) {
            Map<String, Object> env = map(map(services, worker), "environment");
            assertThat(String.valueOf(env.get("LOOPLAB_TOKEN"))).as(worker).contains("LOOPLAB_WORKER_TOKEN");
            assertThat(env).as(worker).doesNotContainKeys("LOOPLAB_ADMIN_TOKEN", "LOOPLAB_AGENT_TOKEN");
        }
        assertThat(String.valueOf(map(map(services, "proposer"), "environment").get("LOOPLAB_TOKEN")))
                .contains("LOOPLAB_AGENT_TOKEN");

        for (Map<String, Object> doc : kubernetes()) {
            if (!List.of("Deployment", "StatefulSet").contains(doc.get("kind"))) {
                continue;
            }
            String name = (String) map(doc, "metadata").get("name");
            for (Map<String, Object> container : list(map(map(map(doc, "spec"), "template"), "spec"), "containers")) {
                List<Map<String, Object>> envFrom = container.containsKey("envFrom") ? list(container, "envFrom")
                        : List.of();
                List<String> secrets = envFrom.stream().filter(e -> e.containsKey("secretRef"))
                        .map(e -> (String) map(e, "secretRef").get("name")).toList();
                Map<String, Object> token = list(container, "env").stream()
                        .filter(e -> "LOOPLAB_TOKEN".equals(e.get("name"))).findFirst().orElse(null);
                if (name.equals("looplab-platform")) {
                    assertThat(secrets).contains("looplab-tokens");
                    assertThat(list(container, "env")).anyMatch(e -> "LOOPLAB_BIND".equals(e.get("name"))
                            && "0.0.0.0".equals(e.get("value")));
                } else {
                    assertThat(secrets).as(name + " reads no other app's token").doesNotContain("looplab-tokens");
                    // it joins with the platform's URL and its token: the services' credentials stay with the platform
                    assertThat(secrets).as(name + " reads no service credentials").doesNotContain("looplab-secrets");
                    assertThat(list(container, "env")).as(name)
                            .anyMatch(e -> "LOOPLAB_PLATFORM_URL".equals(e.get("name"))
                            && "http://looplab-platform:8080".equals(e.get("value")));
                    assertThat(token).as(name + " sends a token").isNotNull();
                    assertThat(map(map(token, "valueFrom"), "secretKeyRef").get("key")).as(name)
                            .isEqualTo(name.contains("worker") ? "LOOPLAB_WORKER_TOKEN" : "LOOPLAB_AGENT_TOKEN");
                }
            }
        }
    }

    @Test
    void theImageStartsOnlyTheAppsItBuilds() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        String entrypoint = Files.readString(DEPLOY.resolve("entrypoint.sh"));
        for (String app : APPS) {
            assertThat(dockerfile).contains(app);
            assertThat(entrypoint).contains(app);
        }
        assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/looplab/infra/deploy/entrypoint.sh\"]");
        assertThat(Files.isExecutable(DEPLOY.resolve("entrypoint.sh"))).isTrue();
    }

    /** Every LOOPLAB_* name is read by an app: a ${NAME placeholder in an application.properties or a README setting. */
    private static void assertKnown(Set<String> settings) throws IOException {
        Set<String> known = new TreeSet<>(Set.of("LOOPLAB_APP"));
        Pattern name = Pattern.compile("LOOPLAB_[A-Z0-9_]+");
        List<Path> sources = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String app : APPS) {
            sources.add(ROOT.resolve(app).resolve("src/main/resources/application.properties"));
        }
        for (Path source : sources) {
            Matcher m = name.matcher(Files.readString(source));
            while (m.find()) {
                known.add(m.group());
            }
        }
        assertThat(settings.stream().filter(s -> s.startsWith("LOOPLAB_")))
                .as("LOOPLAB_* settings the deployment passes; each must be one an app reads (README settings table"
                        + " or an application.properties placeholder)")
                .allMatch(known::contains, "is read by an app");
    }

    private static List<Map<String, Object>> kubernetes() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    assertThat(doc).as(file + " holds objects").isInstanceOf(Map.class);
                    docs.add(cast(doc));
                }
            }
        }
        return docs;
    }

    private static Map<String, Object> filter(Map<String, Object> map, Set<String> keys) {
        Map<String, Object> out = new java.util.HashMap<>(map);
        out.keySet().retainAll(keys);
        return out;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return cast(value);
    }

    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return cast(value);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
