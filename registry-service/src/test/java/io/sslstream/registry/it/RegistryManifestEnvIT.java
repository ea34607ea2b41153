package io.sslstream.registry.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.registry.postgres.PostgresDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry configured as Kubernetes configures it: the environment variables of k8s/base/registry/registry.yaml
 * (its ConfigMap and its container's env), each by its exact name, read from the manifest itself, against the real
 * PostgreSQL. Only values that name places change: the database URL, user and password (this machine's server), the
 * data folder, the tokens file and the ports. The dotted property form is tested elsewhere; this catches a variable
 * name Quarkus would not map (QUARKUS_DATASOURCE_POSTGRESQL_* to the named datasource "postgresql").
 */
class RegistryManifestEnvIT {

    static final Path MANIFEST = Path.of("../k8s/base/registry/registry.yaml");
    static final Path KUSTOMIZATION = Path.of("../k8s/base/kustomization.yaml");
    static final String TOKEN = "manifest-env-admin-token-0123456789";

    @Test
    void startsOnPostgresqlWithTheManifestsVariables() throws Exception {
        Map<String, String> manifestEnv = manifestEnv();
        assertThat(manifestEnv).containsKeys("SSL_REGISTRY_DATABASE", "QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL",
                "QUARKUS_DATASOURCE_POSTGRESQL_USERNAME", "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", "QUARKUS_CONFIG_LOCATIONS",
                "SSL_REGISTRY_DATA_DIR", "SSL_REGISTRY_AUTH_ENABLED");

        Path work = Files.createDirectories(Path.of("target/manifest-env-it-" + System.currentTimeMillis()).toAbsolutePath());
        Path tokens = work.resolve("tokens.properties");
        Files.writeString(tokens, "ssl.registry.auth.tokens.admin.token=" + TOKEN + "\nssl.registry.auth.tokens.admin.scopes=admin\n");
        int port = ServiceProcess.freePort();

        try (PostgresDatabase db = PostgresDatabase.create()) {
            Map<String, String> env = new LinkedHashMap<>(manifestEnv);
            env.replace("QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL", db.jdbcUrl());
            env.replace("QUARKUS_DATASOURCE_POSTGRESQL_USERNAME", db.user());
            env.replace("QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", "unused-with-trust-auth");
            env.replace("QUARKUS_CONFIG_LOCATIONS", tokens.toString());
            env.replace("SSL_REGISTRY_DATA_DIR", work.resolve("data").toString());
            env.replace("QUARKUS_HTTP_PORT", Integer.toString(port));
            env.replace("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ServiceProcess.freePort());

            ServiceProcess registry = ServiceProcess.builder("registry", RegistryProcess.JAR, port, work.resolve("registry.log"))
                    .jvmOptions("-Xmx256m").env(env).start();
            try {
                registry.awaitLive(Duration.ofSeconds(90));
                assertThat(get(registry.url("/api/v1/models"), TOKEN)).as(registry.tail(30)).isEqualTo(200);
                assertThat(get(registry.url("/api/v1/models"), "not-a-token-of-the-tokens-file")).isEqualTo(401);
            } finally {
                registry.stop(Duration.ofSeconds(20));
            }
            // the schema went into this PostgreSQL database, not into an H2 file
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isPositive();
            }
            assertThat(registry.logText()).doesNotContain("jdbc:h2");
        }
    }

    /** The container's environment as the kubelet gives it: sslstream-common and registry-config, then env. */
    static Map<String, String> manifestEnv() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs;
        try (var parser = yaml.getFactory().createParser(MANIFEST.toFile())) {
            docs = yaml.readValues(parser, JsonNode.class).readAll();
        }
        Map<String, JsonNode> configMaps = new LinkedHashMap<>();
        JsonNode container = null;
        for (JsonNode d : docs) {
            if (d.path("kind").asText().equals("ConfigMap")) {
                configMaps.put(d.path("metadata").path("name").asText(), d.path("data"));
            } else if (d.path("kind").asText().equals("Deployment")) {
                container = d.path("spec").path("template").path("spec").path("containers").get(0);
            }
        }
        assertThat(container).as("the registry Deployment in " + MANIFEST).isNotNull();
        // sslstream-common is generated by the base kustomization from literals
        for (JsonNode generator : yaml.readTree(KUSTOMIZATION.toFile()).path("configMapGenerator")) {
            ObjectNode data = yaml.createObjectNode();
            for (JsonNode literal : generator.path("literals")) {
                String l = literal.asText();
                data.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
            configMaps.put(generator.path("name").asText(), data);
        }
        assertThat(configMaps).containsKey("sslstream-common");
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            JsonNode data = configMaps.get(from.path("configMapRef").path("name").asText());
            if (data != null) {
                data.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText("from a Secret"));
        }
        return env;
    }

    private static int get(URI uri, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
