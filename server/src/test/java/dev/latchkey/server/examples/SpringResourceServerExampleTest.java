package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.TestServer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/spring-resource-server}: Spring Boot 3 with {@code spring-boot-starter-oauth2-resource-server},
 * configured with latchkey's JWKS URL (and its audience), trusting latchkey's self-signed certificate through an SSL
 * bundle, answers the user and groups of a latchkey access token and refuses everything else.
 */
class SpringResourceServerExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TestServer latchkey;
    static Process app;
    static URI base;
    static long aliceId;
    static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        var example = ExampleBuild.build("spring-resource-server", "package");
        latchkey = TestServer.https(dir.resolve("latchkey"));
        latchkey.latchkey().groups().create("editors");
        var alice = latchkey.latchkey().users().find("alice").orElseThrow();
        latchkey.latchkey().groups().set(alice, List.of("editors"));
        aliceId = alice.id();

        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        app = new ProcessBuilder(
                        java,
                        "-jar",
                        example.resolve("target/spring-resource-server.jar").toString(),
                        "--server.port=" + port,
                        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + latchkey.base()
                                + ".well-known/jwks.json",
                        "--spring.ssl.bundle.pem.latchkey.truststore.certificate=file:" + latchkey.certificate())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("spring.log").toFile())
                .start();
        base = URI.create("http://127.0.0.1:" + port + "/");
        var deadline = Instant.now().plusSeconds(120);
        while (true) {
            try {
                call(null);
                break;
            } catch (ConnectException notYet) {
                assertThat(app.isAlive())
                        .as(Files.readString(dir.resolve("spring.log")))
                        .isTrue();
                assertThat(Instant.now())
                        .as("Spring Boot did not start: " + Files.readString(dir.resolve("spring.log")))
                        .isBefore(deadline);
                Thread.sleep(250);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(15, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    @Test
    void anAccessTokenOfLatchkeyIsTheUserWithTheirGroupsAndARefreshedOneToo() throws Exception {
        var pair = signIn();
        var whoami = call(pair.get("access").asText());
        assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
        var body = JSON.readTree(whoami.body());
        assertThat(body.get("user_id").asText()).isEqualTo(Long.toString(aliceId));
        assertThat(body.get("groups").toString()).isEqualTo("[\"editors\"]");

        // A change of groups shows in the next access token, which the refresh brings.
        latchkey.latchkey().groups().create("Ops, on call");
        var alice = latchkey.latchkey().users().find("alice").orElseThrow();
        latchkey.latchkey().groups().set(alice, List.of("editors", "Ops, on call"));
        var refreshed = latchkey.client()
                .postJson(
                        "/api/jwt/refresh",
                        "{\"refresh\":\"" + pair.get("refresh").asText() + "\"}");
        assertThat(refreshed.statusCode()).isEqualTo(200);
        var next = call(JSON.readTree(refreshed.body()).get("access").asText());
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(next.body()).get("groups"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("Ops, on call", "editors");
        latchkey.latchkey().groups().set(alice, List.of("editors"));
    }

    @Test
    void noTokenAForgedOneAndAnotherLatchkeysAreRefused() throws Exception {
        var none = call(null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        var access = signIn().get("access").asText();
        int signature = access.lastIndexOf('.') + 1;
        var forgedSignature = access.substring(0, signature)
                + (access.charAt(signature) == 'A' ? 'B' : 'A')
                + access.substring(signature + 1);
        // The same header and signature over other claims (another user).
        var parts = access.split("\\.", -1);
        var claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        var otherUser = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.replace("\"sub\":\"" + aliceId + "\"", "\"sub\":\"999\"")
                                .getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String foreign;
        try (var other = TestServer.https(dir.resolve("other"))) {
            foreign = JSON.readTree(other.client()
                            .postJson(
                                    "/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}")
                            .body())
                    .get("access")
                    .asText();
        }
        for (var refused : List.of(
                forgedSignature,
                otherUser,
                foreign,
                "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiIxIiwiYXVkIjoibGF0Y2hrZXkifQ.",
                "not.a.jwt",
                "A".repeat(3000))) {
            var answer = call(refused);
            assertThat(answer.statusCode()).as(refused).isEqualTo(401);
            assertThat(answer.headers().firstValue("www-authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        }
        assertThat(call(access).statusCode()).isEqualTo(200);
    }

    private static JsonNode signIn() throws Exception {
        var pair = latchkey.client()
                .postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(pair.statusCode()).isEqualTo(200);
        return JSON.readTree(pair.body());
    }

    private static HttpResponse<String> call(String token) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve("api/whoami")).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
