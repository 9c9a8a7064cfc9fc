package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.http.Cors;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CORS for frontends on other origins ({@code http.cors_origins}), attacked: look-alike, case-changed, port-changed,
 * slash-ended and {@code null} origins get no CORS header; preflights for other methods and headers are refused; a
 * listed origin can read answers but still needs the CSRF token to change anything. Public answers (the JWKS, the
 * OpenAPI document) are {@code *} for every origin, never with credentials.
 */
class CrossOriginTest {
    static final String APP = "https://app.example.com";
    static final String DEV = "http://localhost:5173";

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.https(dir, o -> o.crossOrigin(Cors.of(List.of(APP, DEV)), HttpCookie.SameSite.NONE));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aListedOriginGetsItsOwnOriginBackWithCredentialsAndVary() {
        var me = server.client().get("/api/me", "Origin", APP);
        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(me.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        assertThat(me.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(me.headers().firstValue("access-control-expose-headers"))
                .hasValueSatisfying(v -> assertThat(v).contains("WWW-Authenticate"));
        assertThat(me.headers().allValues("vary")).anySatisfy(v -> assertThat(v).contains("Origin"));
        assertThat(server.client().get("/api/me", "Origin", DEV).headers().firstValue("access-control-allow-origin"))
                .hasValue(DEV);
    }

    @Test
    void unlistedLookAlikeAndNullOriginsGetNoCorsHeaders() {
        for (var origin : List.of(
                "https://app.example.com.evil.com",
                "https://evil-app.example.com",
                "https://xapp.example.com",
                "https://app.example.co",
                "https://APP.example.com",
                "https://app.example.com:443",
                "https://app.example.com:8443",
                "https://app.example.com/",
                "http://app.example.com",
                "http://localhost:5174",
                "https://localhost:5173",
                "null",
                "*",
                "https://app.example.com, https://evil.com",
                "")) {
            var me = server.client().get("/api/me", "Origin", origin);
            assertThat(me.statusCode()).as(origin).isEqualTo(401);
            assertThat(me.headers().firstValue("access-control-allow-origin"))
                    .as(origin)
                    .isEmpty();
            assertThat(me.headers().firstValue("access-control-allow-credentials"))
                    .as(origin)
                    .isEmpty();
            // Still Vary: Origin, so that no cache hands this answer to a listed origin or the other way round.
            assertThat(me.headers().allValues("vary"))
                    .as(origin)
                    .anySatisfy(v -> assertThat(v).contains("Origin"));
        }
    }

    @Test
    void aPreflightFromAListedOriginIsAnsweredForTheRoutesMethodsAndOurHeaders() {
        var preflight = preflight("/api/session", APP, "POST", "content-type, x-csrf-token");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .hasValue(APP);
        assertThat(preflight.headers().firstValue("access-control-allow-credentials"))
                .hasValue("true");
        assertThat(preflight.headers().firstValue("access-control-allow-methods"))
                .hasValueSatisfying(
                        v -> assertThat(v).contains("POST").contains("DELETE").contains("GET"));
        assertThat(preflight.headers().firstValue("access-control-allow-headers"))
                .hasValue("Authorization, Content-Type, X-CSRF-Token");
        assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");
        assertThat(preflight("/api/tokens/12", APP, "DELETE", "Authorization").statusCode())
                .isEqualTo(204);
    }

    @Test
    void preflightsFromOtherOriginsOrForOtherMethodsAndHeadersAreRefusedWithoutCorsHeaders() {
        assertRefused(preflight("/api/session", "https://app.example.com.evil.com", "POST", ""), "origin");
        assertRefused(preflight("/api/session", "null", "POST", ""), "origin");
        assertRefused(preflight("/api/session", APP + "/", "POST", ""), "origin");
        assertRefused(preflight("/api/me", APP, "PUT", ""), "method");
        assertRefused(preflight("/api/me", APP, "post", ""), "method");
        assertRefused(preflight("/api/me", APP, "TRACE", ""), "method");
        assertRefused(preflight("/api/me", APP, "GET, POST", ""), "method");
        assertRefused(preflight("/api/me", APP, "GET", "x-evil"), "header");
        assertRefused(preflight("/api/me", APP, "GET", "authorization, cookie"), "header");
        assertRefused(preflight("/api/me", APP, "GET", "x".repeat(5000)), "header");
        // Pages never take part in CORS; an unknown path is still a 404.
        var page = preflight("/login", APP, "POST", "");
        assertThat(page.statusCode()).isEqualTo(405);
        assertThat(page.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(preflight("/api/nothing", APP, "GET", "").statusCode()).isEqualTo(404);
        assertThat(server.client().get("/login", "Origin", APP).headers().firstValue("access-control-allow-origin"))
                .isEmpty();
    }

    @Test
    void aListedFrontendSignsInByCookieButStillNeedsTheCsrfTokenToChangeAnything() {
        var client = server.client();
        var signIn = client.postJson(
                "/api/session", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}", "Origin", APP);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.headers().firstValue("access-control-allow-origin")).hasValue(APP);
        // Cross-site cookies: SameSite=None, which browsers accept only with Secure.
        assertThat(signIn.headers().allValues("set-cookie"))
                .filteredOn(c -> c.startsWith("__Host-lk_session=") || c.startsWith("__Host-lk_csrf="))
                .hasSize(2)
                .allSatisfy(c -> assertThat(c).contains("SameSite=None").contains("Secure"));
        var csrf = client.cookies.get("__Host-lk_csrf");

        // After a reload the frontend cannot read the CSRF cookie of another origin: it asks.
        var session = client.get("/api/session", "Origin", APP);
        assertThat(session.statusCode()).isEqualTo(200);
        assertThat(session.body()).contains("\"csrf_token\":\"" + csrf + "\"");

        var noToken = client.delete("/api/session", "Origin", APP);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("csrf_failed");
        assertThat(noToken.headers().firstValue("access-control-allow-origin")).hasValue(APP);

        var fromElsewhere = client.delete("/api/session", "Origin", "https://evil.example", "X-CSRF-Token", csrf);
        assertThat(fromElsewhere.statusCode()).isEqualTo(403);
        assertThat(fromElsewhere.headers().firstValue("access-control-allow-origin"))
                .isEmpty();
        var nullOrigin = client.delete("/api/session", "Origin", "null", "X-CSRF-Token", csrf);
        assertThat(nullOrigin.statusCode()).isEqualTo(403);

        var signOut = client.delete("/api/session", "Origin", APP, "X-CSRF-Token", csrf);
        assertThat(signOut.statusCode()).isEqualTo(204);
        assertThat(client.get("/api/me", "Origin", APP).statusCode()).isEqualTo(401);
    }

    @Test
    void anUnlistedOriginCannotSignInAsToday() {
        for (var origin : List.of("https://app.example.com.evil.com", "null", "https://APP.example.com")) {
            var signIn = server.client()
                    .postJson(
                            "/api/session",
                            "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                            "Origin",
                            origin);
            assertThat(signIn.statusCode()).as(origin).isEqualTo(403);
            assertThat(signIn.body()).contains("csrf_failed");
            assertThat(signIn.headers().firstValue("access-control-allow-origin"))
                    .isEmpty();
        }
    }

    @Test
    void publicAnswersAreReadableFromEveryOriginAndNeverWithCredentials() throws Exception {
        var signedIn = server.client();
        signedIn.signIn();
        for (var path : List.of("/.well-known/jwks.json", "/api/openapi.json")) {
            for (var origin : List.of(APP, DEV, "https://evil.example", "null")) {
                // A listed origin, even with the session cookie along, gets the answer everyone gets.
                for (var client : List.of(server.client(), signedIn)) {
                    var answer = client.get(path, "Origin", origin);
                    assertThat(answer.statusCode()).as(path + " " + origin).isEqualTo(200);
                    assertThat(answer.headers().allValues("access-control-allow-origin"))
                            .as(path + " " + origin)
                            .containsExactly("*");
                    assertThat(answer.headers().firstValue("access-control-allow-credentials"))
                            .as(path + " " + origin)
                            .isEmpty();
                    assertThat(answer.headers().firstValue("cache-control"))
                            .hasValueSatisfying(v -> assertThat(v).startsWith("public"));
                }
            }
            assertThat(server.client().get(path).headers().allValues("access-control-allow-origin"))
                    .containsExactly("*");
        }
        try (var plain = TestServer.https(dir.resolve("public"))) {
            var jwks = plain.client().get("/.well-known/jwks.json", "Origin", APP);
            assertThat(jwks.headers().allValues("access-control-allow-origin")).containsExactly("*");
            assertThat(jwks.headers().firstValue("access-control-allow-credentials"))
                    .isEmpty();
        }
    }

    @Test
    void withoutCorsOriginsNoAnswerCarriesCorsHeaders() throws Exception {
        try (var plain = TestServer.https(dir.resolve("plain"))) {
            var me = plain.client().get("/api/me", "Origin", APP);
            assertThat(me.headers().firstValue("access-control-allow-origin")).isEmpty();
            assertThat(me.headers().allValues("vary"))
                    .noneSatisfy(v -> assertThat(v).contains("Origin"));
            var preflight = plain.client()
                    .send(plain.client()
                            .builder("/api/me", "Origin", APP, "Access-Control-Request-Method", "GET")
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(preflight.statusCode()).isEqualTo(403);
            assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                    .isEmpty();
            // Lax by default.
            var signIn = plain.client()
                    .postJson("/api/session", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
            assertThat(signIn.headers().allValues("set-cookie"))
                    .filteredOn(c -> c.startsWith("__Host-lk_session="))
                    .allSatisfy(c -> assertThat(c).contains("SameSite=Lax"));
        }
    }

    private static HttpResponse<String> preflight(String path, String origin, String method, String headers) {
        var client = server.client();
        var builder = client.builder(path, "Origin", origin, "Access-Control-Request-Method", method);
        if (!headers.isEmpty()) {
            builder.header("Access-Control-Request-Headers", headers);
        }
        return client.send(builder.method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    private static void assertRefused(HttpResponse<String> response, String about) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).startsWith("{\"error\":\"cors_refused\"").contains(about);
        assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(response.headers().firstValue("access-control-allow-methods"))
                .isEmpty();
    }
}
