package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.user.NewUser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in throttling over HTTP on every path that checks a password, behind a trusted proxy on loopback (so each
 * test can be its own client address through {@code X-Forwarded-For}), and the proxy rule itself.
 */
class ThrottleTest {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf_token\" value=\"([A-Za-z0-9_-]{43})\"");

    @TempDir
    static Path dir;

    static TestServer proxied;

    @BeforeAll
    static void start() throws Exception {
        proxied = TestServer.plain(dir.resolve("proxied"), List.of("127.0.0.1"));
        for (var name : List.of("bob", "carol", "dave", "erin")) {
            proxied.latchkey().users().create(NewUser.named(name), Optional.of(TestServer.PASSWORD));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        proxied.close();
    }

    @Test
    void theJsonSignInAnswers429WithRetryAfterAndTheOwnerStillGetsInFromElsewhere() {
        var attacker = "203.0.113.10";
        for (int i = 0; i < 5; i++) {
            assertThat(post("/api/session", "bob", "wrong", attacker).statusCode())
                    .isEqualTo(401);
        }
        var throttled = post("/api/session", "bob", TestServer.PASSWORD, attacker);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).hasValue("300");
        assertThat(throttled.body()).startsWith("{\"error\":\"throttled\",\"detail\":");
        assertThat(throttled.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(post("/api/session", "bob", TestServer.PASSWORD, "198.51.100.77")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void tokenAndJwtSignInsAreThrottledToo() {
        var attacker = "203.0.113.11";
        for (int i = 0; i < 5; i++) {
            assertThat(post(i % 2 == 0 ? "/api/jwt" : "/api/tokens", "carol", "wrong", attacker)
                            .statusCode())
                    .isEqualTo(401);
        }
        assertThat(post("/api/jwt", "carol", TestServer.PASSWORD, attacker).statusCode())
                .isEqualTo(429);
        assertThat(post("/api/tokens", "carol", TestServer.PASSWORD, attacker).statusCode())
                .isEqualTo(429);
    }

    @Test
    void theSignInPageAnswersAPageWith429() {
        var attacker = "203.0.113.12";
        var client = proxied.client();
        var token = csrf(client.get("/login", "X-Forwarded-For", attacker));
        for (int i = 0; i < 5; i++) {
            var wrong = client.postForm(
                    "/login",
                    Map.of("username", "dave", "password", "wrong", "csrf_token", token),
                    "X-Forwarded-For",
                    attacker);
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
        var page = client.postForm(
                "/login",
                Map.of("username", "dave", "password", TestServer.PASSWORD, "csrf_token", token),
                "X-Forwarded-For",
                attacker);
        assertThat(page.statusCode()).isEqualTo(429);
        assertThat(page.headers().firstValue("retry-after")).hasValue("300");
        assertThat(page.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).contains("html"));
        assertThat(page.body()).contains("Too many failed attempts");
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedAddressIsIgnored() throws Exception {
        try (var direct = TestServer.plain(dir.resolve("direct"), List.of())) {
            for (int i = 0; i < 5; i++) {
                var response = direct.client()
                        .postJson(
                                "/api/session",
                                "{\"username\":\"alice\",\"password\":\"wrong\"}",
                                "X-Forwarded-For",
                                "192.0.2." + i);
                assertThat(response.statusCode()).isEqualTo(401);
            }
            var sixth = direct.client()
                    .postJson(
                            "/api/session",
                            "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                            "X-Forwarded-For",
                            "192.0.2.99");
            assertThat(sixth.statusCode())
                    .as("counted under the real address, 127.0.0.1")
                    .isEqualTo(429);
        }
    }

    @Test
    void throttledAttemptsAreAuditedAndCounted() {
        var attacker = "203.0.113.13";
        for (int i = 0; i < 6; i++) {
            post("/api/session", "erin", "wrong", attacker);
        }
        var erin = proxied.latchkey().users().find("erin").orElseThrow();
        var events = proxied.latchkey().audit().findRecentByUser(erin.id(), "sign_in", 10);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.reason()).isEqualTo("throttled");
            assertThat(e.clientIp()).isEqualTo(attacker);
        });
        assertThat(proxied.latchkey()
                        .meters()
                        .counter("latchkey.signins", "method", "password", "outcome", "throttled")
                        .count())
                .isGreaterThanOrEqualTo(1.0);
    }

    private static HttpResponse<String> post(String path, String username, String password, String ip) {
        return proxied.client()
                .postJson(
                        path,
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
                        "X-Forwarded-For",
                        ip);
    }

    private static String csrf(HttpResponse<String> page) {
        var m = CSRF_FIELD.matcher(page.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void aHundredGuessesSentAtOnceGetFiveHashesOnEveryPasswordPath() throws Exception {
        var http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .build();
        var form = proxied.client();
        var page = form.get("/login");
        var csrfMatch = CSRF_FIELD.matcher(page.body());
        assertThat(csrfMatch.find()).isTrue();
        var csrf = csrfMatch.group(1);
        var paths = Map.of(
                "/api/session",
                "198.51.100.61",
                "/api/jwt",
                "198.51.100.62",
                "/api/tokens",
                "198.51.100.63",
                "/login",
                "198.51.100.64");
        for (var path : paths.entrySet()) {
            var name = "guess" + path.getValue().replace('.', '-');
            proxied.latchkey().users().create(NewUser.named(name), Optional.of(TestServer.PASSWORD));
            var requests = new java.util.ArrayList<java.net.http.HttpRequest>();
            for (int i = 0; i < 100; i++) {
                var builder = java.net.http.HttpRequest.newBuilder(
                                proxied.base().resolve(path.getKey()))
                        .timeout(java.time.Duration.ofSeconds(30))
                        .header("X-Forwarded-For", path.getValue());
                if (path.getKey().equals("/login")) {
                    builder.header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Cookie", "lk_csrf=" + csrf)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "csrf_token=" + csrf + "&username=" + name + "&password=wrong" + i));
                } else {
                    builder.header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"" + name + "\",\"password\":\"wrong" + i + "\"}"));
                }
                requests.add(builder.build());
            }
            var answers =
                    requests.stream()
                            .map(r -> http.sendAsync(r, HttpResponse.BodyHandlers.ofString()))
                            .toList()
                            .stream()
                            .map(java.util.concurrent.CompletableFuture::join)
                            .collect(java.util.stream.Collectors.groupingBy(
                                    HttpResponse::statusCode, java.util.stream.Collectors.counting()));
            assertThat(answers)
                    .as(path.getKey())
                    .containsEntry(401, 5L)
                    .containsEntry(429, 95L)
                    .hasSize(2);
        }
    }
}
