package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.http.OpenApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the routes it is generated from: every route in it, described, with its answers and
 * security; a structurally valid OpenAPI 3.1 document whose references all resolve; every error code the code can
 * throw listed in the error schema; and, where {@code @redocly/cli} is installed, its lint clean.
 */
class OpenApiTest extends ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Codes that only the command line shows (it reads dumps and settings); no HTTP answer carries them. */
    private static final Set<String> COMMAND_LINE_ONLY =
            Set.of("invalid_dump", "invalid_setting", "no_such_file", "no_terminal");

    private static JsonNode document() throws IOException {
        var response = server.client().get("/api/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("cache-control")).hasValue("public, max-age=300");
        return JSON.readTree(response.body());
    }

    @Test
    void everyRouteIsInTheDocumentDescribedWithItsAnswersAndSecurity() throws IOException {
        var doc = document();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        var operations = 0;
        var problems = new ArrayList<String>();
        for (var route : server.routes()) {
            var where = route.method() + " " + route.template();
            if (route.doc() == null) {
                problems.add(where + " is registered without a Doc");
                continue;
            }
            var path = route.template()
                    .replace(
                            "{}",
                            "{"
                                    + (route.doc().param() == null
                                            ? "param"
                                            : route.doc().param()) + "}");
            var op = doc.path("paths").path(path).path(route.method().toLowerCase(Locale.ROOT));
            if (op.isMissingNode()) {
                problems.add(where + " is not in the document");
                continue;
            }
            operations++;
            if (op.path("summary").asText().isBlank()) {
                problems.add(where + " has no summary");
            }
            if (route.template().contains("{}") && route.doc().param() == null) {
                problems.add(where + " does not name its path parameter");
            }
            if (route.doc().answers().keySet().stream().noneMatch(s -> s < 400)) {
                problems.add(where + " documents no successful answer");
            }
            op.path("responses").properties().forEach(e -> {
                if (!e.getKey().matches("[1-5][0-9][0-9]")) {
                    problems.add(where + " answers " + e.getKey());
                }
                if (e.getValue().path("description").asText().isBlank()) {
                    problems.add(where + " " + e.getKey() + " has no description");
                }
            });
            var security = op.path("security");
            if (!security.isArray()) {
                problems.add(where + " has no security requirements");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(operations).isEqualTo(server.routes().size());
        // Cookie routes that change things need the CSRF token beside the cookie; header routes take both schemes.
        assertThat(doc.at("/paths/~1api~1session/delete/security").toString())
                .contains("\"sessionCookie\":[]")
                .contains("\"csrfToken\":[]");
        assertThat(doc.at("/paths/~1api~1me/get/security").toString())
                .contains("apiToken")
                .contains("bearerJwt")
                .doesNotContain("{}");
        assertThat(doc.at("/paths/~1api~1users~1{id}~1groups/put/responses").has("403"))
                .isTrue();
    }

    @Test
    void theDocumentIsStructurallyValidOpenApi31AndEveryReferenceResolves() throws IOException {
        var doc = document();
        assertThat(doc.path("info").path("title").asText()).isEqualTo("latchkey");
        assertThat(doc.path("info").path("version").asText()).isNotBlank();
        var schemes = doc.at("/components/securitySchemes");
        var operationIds = new HashSet<String>();
        var problems = new ArrayList<String>();
        doc.path("paths").properties().forEach(path -> {
            var names = new TreeSet<String>();
            var m = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
            while (m.find()) {
                names.add(m.group(1));
            }
            path.getValue().properties().forEach(operation -> {
                var where = operation.getKey() + " " + path.getKey();
                if (!Set.of("get", "put", "post", "delete", "patch", "head", "options")
                        .contains(operation.getKey())) {
                    problems.add(where + ": not an HTTP method");
                }
                var op = operation.getValue();
                if (!operationIds.add(op.path("operationId").asText())) {
                    problems.add(where + ": operationId repeated");
                }
                var declared = new TreeSet<String>();
                op.path("parameters").forEach(p -> {
                    if (p.path("in").asText().equals("path")) {
                        declared.add(p.path("name").asText());
                        if (!p.path("required").asBoolean()) {
                            problems.add(where + ": path parameter not required");
                        }
                    }
                });
                if (!declared.equals(names)) {
                    problems.add(where + ": path parameters " + declared + " for " + names);
                }
                op.path("security")
                        .forEach(requirement -> requirement.fieldNames().forEachRemaining(name -> {
                            if (!schemes.has(name)) {
                                problems.add(where + ": unknown security scheme " + name);
                            }
                        }));
                if (op.path("responses").isEmpty()) {
                    problems.add(where + ": no responses");
                }
            });
        });
        refs(doc, doc, problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void theErrorSchemaListsEveryErrorCodeTheCodeCanAnswer() throws IOException {
        var listed = new TreeSet<String>();
        document().at("/components/schemas/Error/properties/error/enum").forEach(c -> listed.add(c.asText()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(OpenApi.ERROR_CODES);
        var thrown = new TreeSet<String>();
        // super("code", 400, ...) in the named errors, new Named("code", ...) where a code is given.
        var named = Pattern.compile("(?:super|new [A-Z][A-Za-z.]*)\\(\\s*\"([a-z][a-z_]+)\",\\s*(?:\\d{3}|\")");
        for (var root : new String[] {"src/main/java", "../core/src/main/java"}) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (var file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    var m = named.matcher(Files.readString(file));
                    while (m.find()) {
                        thrown.add(m.group(1));
                    }
                }
            }
        }
        thrown.removeAll(COMMAND_LINE_ONLY);
        assertThat(thrown).hasSizeGreaterThan(30);
        assertThat(listed).containsAll(thrown);
    }

    @Test
    void redoclyLintsTheDocumentClean() throws Exception {
        var cli = Stream.of(
                        Path.of(System.getProperty("user.home"), ".cache/latchkey/redocly/node_modules/.bin/redocly"),
                        Path.of("/usr/local/bin/redocly"))
                .filter(Files::isExecutable)
                .findFirst();
        if (cli.isEmpty()) {
            var message = "\n*** @redocly/cli is missing (npm install @redocly/cli@2.77.0 in"
                    + " ~/.cache/latchkey/redocly): the OpenAPI lint is SKIPPED. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("@redocly/cli is required under CI=true" + message);
            }
            Assumptions.abort(message);
        }
        var file = dir.resolve("openapi.json");
        Files.writeString(file, server.client().get("/api/openapi.json").body());
        var out = dir.resolve("redocly.txt");
        var config = Path.of("src/test/resources/openapi/redocly.yaml").toAbsolutePath();
        var process = new ProcessBuilder(
                        cli.get().toString(),
                        "lint",
                        "--config",
                        config.toString(),
                        "--format=stylish",
                        file.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        var report = Files.readString(out);
        System.out.println(report);
        assertThat(process.exitValue()).as(report).isZero();
        assertThat(report).contains("Your API description is valid").doesNotContain("  warning  ");
    }

    private static void refs(JsonNode root, JsonNode node, List<String> problems) {
        if (node.isObject()) {
            var ref = node.get("$ref");
            if (ref != null
                    && (!ref.isTextual() || root.at(ref.asText().substring(1)).isMissingNode())) {
                problems.add("unresolved $ref " + ref);
            }
            node.elements().forEachRemaining(child -> refs(root, child, problems));
        } else if (node.isArray()) {
            node.forEach(child -> refs(root, child, problems));
        }
    }
}
