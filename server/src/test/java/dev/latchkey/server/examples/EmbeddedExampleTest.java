package dev.latchkey.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/embedded}, built as its own Maven project against the {@code latchkey-core} artifact and run: the
 * README's "As a library" code behind a sign-in form with a session cookie, a protected page, sign-out, and a JWT
 * pair, each with the attack on it (a planted or forged cookie, a foreign form, a forged or replayed token).
 */
class EmbeddedExampleTest {
    private static final String PASSWORD = "correct horse battery staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Process app;
    static URI base;
    static final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @BeforeAll
    static void start() throws Exception {
        var example = ExampleBuild.build(
                "embedded", "package", "dependency:build-classpath", "-Dmdep.outputFile=target/classpath.txt");
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var classpath = ExampleBuild.classpath(example);
        var data = dir.resolve("data").toString();
        var create = new ProcessBuilder(
                        java, "-cp", classpath, "example.embedded.EmbeddedApp", data, "createuser", "alice")
                .redirectError(dir.resolve("create.err").toFile())
                .start();
        try (var in = create.getOutputStream()) {
            in.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();

        app = new ProcessBuilder(java, "-cp", classpath, "example.embedded.EmbeddedApp", data, "serve", "0")
                .redirectError(dir.resolve("serve.err").toFile())
                .start();
        var out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        var line = out.readLine();
        assertThat(line).as("the app's first line").startsWith("listening on ");
        base = URI.create(line.substring("listening on ".length()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(10, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    @Test
    void signInWithASessionCookieSeesTheProtectedPageUntilSignOut() throws Exception {
        assertThat(get("/", null).headers().firstValue("location")).hasValue("/login");
        assertThat(get("/", "session=" + "x".repeat(43)).statusCode()).isEqualTo(303);

        var wrong = post("/login", Map.of("username", "alice", "password", "wrong"), null, null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();
        var nobody = post("/login", Map.of("username", "nobody", "password", "wrong"), null, null);
        assertThat(nobody.statusCode()).isEqualTo(401);
        assertThat(nobody.body()).isEqualTo(wrong.body());

        // A session id planted before sign-in is not the one after it.
        var planted = "session=" + "p".repeat(43);
        var signIn = post("/login", Map.of("username", "alice", "password", PASSWORD), planted, null);
        assertThat(signIn.statusCode()).isEqualTo(303);
        var setCookie = signIn.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict");
        var cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie).isNotEqualTo(planted);

        var page = get("/", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Hello, alice");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");

        // Another site's form cannot sign out (or in) this browser.
        var foreign = post("/logout", Map.of(), cookie, "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(get("/", cookie).statusCode()).isEqualTo(200);

        assertThat(post("/logout", Map.of(), cookie, base.toString().replaceAll("/$", ""))
                        .statusCode())
                .isEqualTo(303);
        assertThat(get("/", cookie).statusCode()).isEqualTo(303);
    }

    @Test
    void aJwtPairCallsTheApiRefreshesOnceAndAReplayedRefreshTokenEndsTheFamily() throws Exception {
        assertThat(post("/api/token", Map.of("username", "alice", "password", "wrong"), null, null)
                        .statusCode())
                .isEqualTo(401);
        var pair = JSON.readTree(post("/api/token", Map.of("username", "alice", "password", PASSWORD), null, null)
                .body());
        var me = bearer(pair.get("access").asText());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("username").asText()).isEqualTo("alice");
        for (var forged : List.of("", "not.a.jwt", forge(pair.get("access").asText()))) {
            assertThat(bearer(forged).statusCode()).as(forged).isEqualTo(401);
        }
        assertThat(get("/api/me", null).statusCode()).isEqualTo(401);

        var next = refresh(pair);
        assertThat(next.statusCode()).isEqualTo(200);
        var second = JSON.readTree(next.body());
        assertThat(second.get("refresh").asText())
                .isNotEqualTo(pair.get("refresh").asText());
        assertThat(bearer(second.get("access").asText()).statusCode()).isEqualTo(200);

        // The first refresh token again: spent, so refused, and the whole family with it.
        assertThat(refresh(pair).statusCode()).isEqualTo(401);
        assertThat(bearer(second.get("access").asText()).statusCode()).isEqualTo(401);
        assertThat(refresh(second).statusCode()).isEqualTo(401);
    }

    /** The token with its signature changed: the header and claims as issued, the signature no longer theirs. */
    private static String forge(String jwt) {
        int signature = jwt.lastIndexOf('.') + 1;
        char first = jwt.charAt(signature);
        return jwt.substring(0, signature) + (first == 'A' ? 'B' : 'A') + jwt.substring(signature + 1);
    }

    private static HttpResponse<String> refresh(JsonNode pair) throws Exception {
        return post("/api/token/refresh", Map.of("refresh", pair.get("refresh").asText()), null, null);
    }

    private static HttpResponse<String> bearer(String token) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve("/api/me")).header("Authorization", "Bearer " + token));
    }

    private static HttpResponse<String> get(String path, String cookie) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve(path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    private static HttpResponse<String> post(String path, Map<String, String> form, String cookie, String origin)
            throws Exception {
        var body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(
                request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
