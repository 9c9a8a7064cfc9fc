package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.auth.SignIn;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.LatchkeyHandler;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON session API against the real server over HTTPS. */
class SessionApiTest extends ServerTest {
    @Test
    void signInSetsAHostOnlySecureHttpOnlyCookieThenMeThenSignOutEndsIt() {
        var client = server.client();
        var signIn = client.postJson(
                "/api/session", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.headers().firstValue("cache-control")).hasValue("no-store");
        var sessionCookie = signIn.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("__Host-lk_session="))
                .findFirst()
                .orElseThrow();
        assertThat(sessionCookie)
                .contains("; Path=/")
                .contains("; Secure")
                .contains("; HttpOnly")
                .contains("SameSite=Lax")
                .doesNotContain("Domain=")
                .contains("Max-Age=1209600");
        var csrfCookie = signIn.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("__Host-lk_csrf="))
                .findFirst()
                .orElseThrow();
        assertThat(csrfCookie).contains("; Secure").doesNotContain("HttpOnly");
        assertThat(signIn.body())
                .contains("\"username\":\"alice\"")
                .contains("\"csrf_token\":\"" + client.cookies.get("__Host-lk_csrf") + "\"");
        var oldCookie = client.cookies.get("__Host-lk_session");

        var me = client.get("/api/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body())
                .contains("\"username\":\"alice\"")
                .contains("\"last_login\":\"")
                .doesNotContain("password");
        assertThat(me.headers().firstValue("cache-control")).hasValue("no-store");

        var signOut = client.delete("/api/session", "X-CSRF-Token", client.cookies.get("__Host-lk_csrf"));
        assertThat(signOut.statusCode()).isEqualTo(204);
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");

        // The old cookie, replayed, is worth nothing: the session ended on the server.
        client.cookies.put("__Host-lk_session", oldCookie);
        var replay = client.get("/api/me");
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.headers().firstValue("www-authenticate")).hasValue(LatchkeyHandler.CHALLENGE);
        assertThat(replay.body())
                .isEqualTo(
                        "{\"error\":\"not_authenticated\",\"detail\":\"authentication credentials were not provided\"}");
    }

    @Test
    void aSessionIdPlantedBeforeSignInIsReplacedAndWorthlessAfterIt() {
        var planted = server.latchkey()
                .sessions()
                .start(RequestContext.NONE, Map.of("planted", true))
                .id();
        var client = server.client();
        client.cookies.put("__Host-lk_session", planted);
        client.signIn();
        var issued = client.cookies.get("__Host-lk_session");
        assertThat(issued).isNotEqualTo(planted);

        var attacker = server.client();
        attacker.cookies.put("__Host-lk_session", planted);
        assertThat(attacker.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(client.get("/api/me").statusCode()).isEqualTo(200);
    }

    @Test
    void everyWrongSignInGetsTheSameAnswerAndIsAudited() {
        var client = server.client();
        var wrongPassword = client.postJson("/api/session", "{\"username\":\"alice\",\"password\":\"nope nope\"}");
        var unknownUser = client.postJson("/api/session", "{\"username\":\"mallory\",\"password\":\"nope nope\"}");
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(unknownUser.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.body())
                .isEqualTo(unknownUser.body())
                .isEqualTo("{\"error\":\"invalid_credentials\",\"detail\":\"invalid username or password\"}");
        assertThat(wrongPassword.headers().firstValue("www-authenticate")).isPresent();
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");

        var alice = server.latchkey().users().find("alice").orElseThrow();
        var events = server.latchkey().audit().findRecentByUser(alice.id(), SignIn.AUDIT_KIND, 50);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("failure");
            assertThat(e.reason()).isEqualTo("bad_password");
            assertThat(e.clientIp()).isEqualTo("127.0.0.1");
            assertThat(e.userAgent()).isNotEmpty();
        });
    }

    @Test
    void cookieAuthenticatedUnsafeCallsNeedTheCsrfTokenAndThisOrigin() {
        var client = server.client();
        var token = client.signIn();
        assertCsrfRefused(client.delete("/api/sessions"));
        assertCsrfRefused(client.delete("/api/sessions", "X-CSRF-Token", "x".repeat(43)));
        assertCsrfRefused(client.delete("/api/sessions", "X-CSRF-Token", token, "Origin", "https://evil.example"));
        assertCsrfRefused(client.delete("/api/sessions", "X-CSRF-Token", token, "Origin", "null"));
        var origin = "https://localhost:" + server.port();
        assertThat(client.delete("/api/sessions", "X-CSRF-Token", token, "Origin", origin)
                        .statusCode())
                .isEqualTo(200);
        assertThat(client.get("/api/me").statusCode()).as("still signed in").isEqualTo(200);
    }

    @Test
    void aSignInFromAForeignOriginIsRefused() {
        var response = server.client()
                .postJson(
                        "/api/session",
                        "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                        "Origin",
                        "https://evil.example");
        assertCsrfRefused(response);
    }

    @Test
    void sessionsAreListedAndEndedOneOrAllOthers() {
        var phone = server.client();
        phone.signIn();
        var laptop = server.client();
        var token = laptop.signIn();
        var tablet = server.client();
        tablet.signIn();

        var list = laptop.get("/api/sessions");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"current\":true").contains("\"user_agent\":\"Java-http-client");
        var phoneId = phone.get("/api/sessions")
                .body()
                .replaceAll(".*\\{\"id\":\"([0-9a-f]{32})\"[^}]*\"current\":true.*", "$1");
        assertThat(phoneId).matches("[0-9a-f]{32}");

        assertThat(laptop.delete("/api/sessions/" + phoneId, "X-CSRF-Token", token)
                        .statusCode())
                .isEqualTo(204);
        assertThat(phone.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(laptop.delete("/api/sessions/" + phoneId, "X-CSRF-Token", token)
                        .statusCode())
                .isEqualTo(404);
        assertThat(laptop.delete("/api/sessions/not-a-session", "X-CSRF-Token", token)
                        .statusCode())
                .isEqualTo(404);

        assertThat(laptop.delete("/api/sessions", "X-CSRF-Token", token).body()).contains("\"ended\":");
        assertThat(tablet.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(laptop.get("/api/me").statusCode()).isEqualTo(200);
    }

    @Test
    void anonymousCallersAreAskedToAuthenticate() {
        var client = server.client();
        for (var path : new String[] {"/api/me", "/api/sessions"}) {
            var response = client.get(path);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("www-authenticate")).isPresent();
        }
        assertThat(client.delete("/api/sessions").statusCode()).isEqualTo(401);
        assertThat(client.delete("/api/session").statusCode())
                .as("signing out when signed out")
                .isEqualTo(204);
    }

    @Test
    void garbageCookiesAreAnonymousNeverErrors() {
        for (var value : new String[] {"", "x", "A".repeat(43), "%00%ff", "' OR 1=1 --", "A".repeat(4000), "é"}) {
            var client = server.client();
            client.cookies.put("__Host-lk_session", value);
            var response = client.get("/api/me");
            assertThat(response.statusCode()).as(value).isEqualTo(401);
        }
    }

    private static void assertCsrfRefused(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).startsWith("{\"error\":\"csrf_failed\",\"detail\":");
    }
}
