package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.ServerTest;
import org.junit.jupiter.api.Test;

/** {@code GET /auth/verify} answered directly, as a reverse proxy's sub-request would see it. */
class ForwardAuthTest extends ServerTest {

    @Test
    void aSignedInSessionATokenOrAJwtGet200WithTheUserHeaders() {
        var browser = server.client();
        browser.signIn();
        var bySession = browser.get("/auth/verify");
        assertThat(bySession.statusCode()).isEqualTo(200);
        assertThat(bySession.headers().firstValue("x-auth-user")).hasValue("alice");
        assertThat(bySession.headers().firstValue("x-auth-email")).hasValue("alice@example.com");
        assertThat(bySession.headers().firstValue("x-auth-staff")).hasValue("false");
        assertThat(bySession.headers().firstValue("cache-control")).hasValue("no-store");

        var key = server.latchkey()
                .apiTokens()
                .create(server.latchkey().users().find("alice").orElseThrow().id(), "proxy", java.util.Optional.empty())
                .key();
        assertThat(server.client()
                        .get("/auth/verify", "Authorization", "Token " + key)
                        .headers()
                        .firstValue("x-auth-user"))
                .hasValue("alice");
    }

    @Test
    void anonymousCallersGet401OrABrowserARedirectToSignIn() {
        var anonymous = server.client().get("/auth/verify");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("x-auth-user")).isEmpty();

        var browser = server.client()
                .get(
                        "/auth/verify",
                        "Accept",
                        "text/html,application/xhtml+xml",
                        "X-Forwarded-Uri",
                        "/reports/2026?q=1");
        assertThat(browser.statusCode()).isEqualTo(302);
        assertThat(browser.headers().firstValue("location")).hasValue("/login?next=%2Freports%2F2026%3Fq%3D1");

        var offsite =
                server.client().get("/auth/verify", "Accept", "text/html", "X-Forwarded-Uri", "https://evil.example/");
        assertThat(offsite.headers().firstValue("location")).hasValue("/login?next=%2F");
    }

    @Test
    void garbageHeadersAreA401NeverA500() {
        for (var header : new String[][] {
            {"Authorization", "Bearer"},
            {"Authorization", "Token ,;,;\u00e9"},
            {"Authorization", "Bearer " + "a".repeat(20_000)},
            {"Cookie", "__Host-lk_session=%%%%"},
            {"X-Forwarded-Uri", "\u00ff\u00fe"},
            {"Accept", "*/*;q=abc"}
        }) {
            var response = server.client().get("/auth/verify", header[0], header[1]);
            assertThat(response.statusCode())
                    .as(header[0] + ": " + header[1].length())
                    .isEqualTo(401);
        }
    }

    @Test
    void readinessSaysTheDatabaseAnswersAndItsSchemaIsCurrent() {
        var ready = server.client().get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
        assertThat(server.client().get("/metrics").statusCode())
                .as("never on the public listener")
                .isEqualTo(404);
    }
}
