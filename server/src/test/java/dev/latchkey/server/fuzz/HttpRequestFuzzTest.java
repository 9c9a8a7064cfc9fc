package dev.latchkey.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client controls, sent to the real server (Jetty, the real handler, SQLite) over a loopback socket: the
 * {@code Authorization} header, the {@code Cookie} header with the CSRF token and origin, and JSON bodies.
 *
 * <p>Property, for every request: the answer is a success or a 4xx, never a 5xx (an unexpected exception anywhere
 * in the web layer or below it). Every 4xx is the JSON error shape ({@code {"error": code, ...}}), and every 401
 * names its scheme in {@code WWW-Authenticate}.
 *
 * <p>In the inputs, {@code $SESSION}, {@code $CSRF}, {@code $TOKEN}, {@code $JWT} and {@code $REFRESH} stand for a
 * live session id, its CSRF token, an API token, an access token and a refresh token of {@code alice}, made when
 * the server starts, so that the fuzzer also reaches the code behind a valid credential.
 *
 * <p>Fuzz with Jazzer's SSRF detector off ({@code jazzer.disabled_hooks}, as bench/fuzz does): the test's own
 * connections to the server on loopback are all it would see, and it reports the first one.
 */
class HttpRequestFuzzTest {
    private static final int MAX_INPUT = 16 * 1024;
    private static final List<String> JSON_PATHS = List.of(
            "/api/session", "/api/jwt", "/api/jwt/refresh", "/api/jwt/verify", "/api/jwt/revoke", "/api/tokens");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestServer server;
    private static ServerErrors errors;
    private static Map<String, String> live;

    @BeforeAll
    static void start() throws Exception {
        errors = ServerErrors.attach();
        server = TestServer.plain(dir, List.of());
        var client = server.client();
        client.signIn(); // its answer is the HTTPS cookie's name; on plain HTTP the cookies have no prefix
        var password = "\"username\": \"alice\", \"password\": \"" + TestServer.PASSWORD + "\"";
        // Without the session cookie: a cookie-authenticated POST would need the CSRF token.
        var pair = JSON.readTree(
                server.client().postJson("/api/jwt", "{" + password + "}").body());
        var token = JSON.readTree(server.client()
                .postJson("/api/tokens", "{" + password + ", \"name\": \"fuzz\"}")
                .body());
        live = Map.of(
                "$SESSION",
                client.cookies.get("lk_session"),
                "$CSRF",
                client.cookies.get("lk_csrf"),
                "$TOKEN",
                token.get("token").asText(),
                "$JWT",
                pair.get("access").asText(),
                "$REFRESH",
                pair.get("refresh").asText());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        errors.detach();
    }

    /** Input: the first line is the Authorization header's value, the rest (if any) the Cookie header's. */
    @FuzzTest
    void anyAuthorizationHeaderIsAnsweredWithoutAServerError(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var lines = lines(data, 2);
        var request = new RawRequest("GET", "/api/me").header("Authorization", lines.get(0));
        if (lines.size() > 1) {
            request.header("Cookie", lines.get(1));
        }
        check(request.send(server.port()), true);
    }

    /** Input: lines for the Cookie header, the X-CSRF-Token header and the Origin header, the later ones optional. */
    @FuzzTest
    void anyCookieHeaderIsAnsweredWithoutAServerError(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var lines = lines(data, 3);
        check(new RawRequest("GET", "/api/me").header("Cookie", lines.get(0)).send(server.port()), true);
        check(new RawRequest("GET", "/login").header("Cookie", lines.get(0)).send(server.port()), false);
        var unsafe = new RawRequest("DELETE", "/api/sessions").header("Cookie", lines.get(0));
        if (lines.size() > 1) {
            unsafe.header("X-CSRF-Token", lines.get(1));
        }
        if (lines.size() > 2) {
            unsafe.header("Origin", lines.get(2));
        }
        check(unsafe.send(server.port()), true);
    }

    /**
     * Input: the first line names the endpoint (one of {@link #JSON_PATHS}; anything else picks one by its first
     * byte), the rest is the JSON body.
     */
    @FuzzTest
    void anyJsonBodyIsAnsweredWithoutAServerError(byte[] data) {
        if (data.length > MAX_INPUT) {
            return;
        }
        var lines = lines(data, 2);
        var first = new String(lines.get(0), StandardCharsets.ISO_8859_1);
        var path = JSON_PATHS.contains(first)
                ? first
                : JSON_PATHS.get(Math.floorMod(first.isEmpty() ? 0 : first.charAt(0), JSON_PATHS.size()));
        var body = lines.size() > 1 ? lines.get(1) : new byte[0];
        check(new RawRequest("POST", path).body("application/json", body).send(server.port()), true);
    }

    /** The input split on its first {@code limit - 1} newlines, with the live credentials put in. */
    private static List<byte[]> lines(byte[] data, int limit) {
        var text = new String(data, StandardCharsets.ISO_8859_1);
        for (var entry : live.entrySet()) {
            text = text.replace(entry.getKey(), entry.getValue());
        }
        return Arrays.stream(text.split("\n", limit))
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1))
                .toList();
    }

    private static void check(RawRequest.Answer answer, boolean api) {
        assertThat(answer.status())
                .as("a 5xx means the server failed: %s%nserver log: %s", answer, errors.takeLast())
                .isBetween(200, 499);
        if (answer.status() == 401) {
            assertThat(answer.headers()).as(answer.toString()).containsKey("www-authenticate");
        }
        if (answer.status() >= 400 || (api && !answer.body().isEmpty())) {
            assertThat(answer.headers().get("content-type"))
                    .as(answer.toString())
                    .startsWith("application/json");
            var body = json(answer.body());
            if (answer.status() >= 400) {
                assertThat(body.path("error").isTextual()).as(answer.toString()).isTrue();
            }
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("the answer is not JSON: " + body, e);
        }
    }
}
