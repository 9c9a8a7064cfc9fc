package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** DRF-style API tokens over real HTTPS. */
class TokenApiTest extends ServerTest {
    private static final Pattern KEY = Pattern.compile("\"token\":\"(lk_[A-Za-z0-9_-]{43})\"");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @Test
    void obtainATokenWithAPasswordLikeDrfThenUseItWithEitherScheme() {
        var client = server.client();
        var created = client.postJson(
                "/api/tokens",
                "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD
                        + "\",\"name\":\"laptop\",\"expires\":\"30d\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(created.body()).contains("\"name\":\"laptop\"").contains("\"expires_at\":\"");
        var key = group(KEY, created);
        assertThat(client.cookies).isEmpty();

        for (var scheme : new String[] {"Token", "token", "TOKEN", "Bearer", "bearer"}) {
            var me = server.client().get("/api/me", "Authorization", scheme + " " + key);
            assertThat(me.statusCode()).as(scheme).isEqualTo(200);
            assertThat(me.body()).contains("\"username\":\"alice\"");
        }
    }

    @Test
    void aSignedInUserMakesListsAndRevokesTokensAndRevocationIsImmediate() {
        var browser = server.client();
        var csrfToken = browser.signIn();
        var created = browser.postJson("/api/tokens", "{\"name\":\"ci\"}", "X-CSRF-Token", csrfToken);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).as("a token a user makes expires by default").doesNotContain("\"expires_at\":null");
        var key = group(KEY, created);
        var id = group(ID, created);

        var list = browser.get("/api/tokens");
        assertThat(list.body())
                .contains("\"name\":\"ci\"")
                .contains("\"prefix\":\"" + key.substring(0, 9) + "\"")
                .doesNotContain(key);

        var machine = server.client();
        assertThat(machine.get("/api/me", "Authorization", "Token " + key).statusCode())
                .isEqualTo(200);
        // A token cannot mint another (a stolen one would make itself permanent); it may end its own sessions.
        var other = machine.postJson("/api/tokens", "{\"name\":\"made by a token\"}", "Authorization", "Token " + key);
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(machine.delete("/api/tokens/999999", "Authorization", "Token " + key)
                        .statusCode())
                .as("a header-authenticated unsafe call needs no CSRF token: no browser sends it by itself")
                .isEqualTo(404);

        assertThat(browser.delete("/api/tokens/" + id, "X-CSRF-Token", csrfToken)
                        .statusCode())
                .isEqualTo(204);
        var after = machine.get("/api/me", "Authorization", "Token " + key);
        assertInvalidToken(after, "Token");
        assertThat(browser.delete("/api/tokens/" + id, "X-CSRF-Token", csrfToken)
                        .statusCode())
                .isEqualTo(404);
        assertThat(browser.delete("/api/tokens/abc", "X-CSRF-Token", csrfToken).statusCode())
                .isEqualTo(404);
    }

    @Test
    void cookieAuthenticatedTokenCreationNeedsCsrf() {
        var browser = server.client();
        browser.signIn();
        var response = browser.postJson("/api/tokens", "{\"name\":\"ci\"}");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("csrf_failed");
    }

    @Test
    void badTokensGet401WithAnInvalidTokenChallengeNever500() {
        var key = server.latchkey()
                .apiTokens()
                .create(aliceId(), "k", Optional.empty())
                .key();
        var client = server.client();
        assertInvalidToken(client.get("/api/me", "Authorization", "Token " + key.substring(0, 20)), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer " + key + "x"), "Bearer");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token lk_" + "A".repeat(43)), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token"), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token  "), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token a b"), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer eyJhbGciOiJub25lIn0.e30."), "Bearer");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token " + "x".repeat(9000)), "Token");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token %00%ff\u00e9"), "Token");
        // A scheme that is not ours is not a credential: anonymous.
        var basic = client.get("/api/me", "Authorization", "Basic YWxpY2U6cGFzc3dvcmQ=");
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(basic.body()).contains("not_authenticated");
    }

    @Test
    void tokensOfADeactivatedUserOrPastTheirExpiryStopWorking() throws Exception {
        var bob = server.latchkey()
                .users()
                .create(new dev.latchkey.user.NewUser("bob", "", false, false), Optional.of("bob's good password"))
                .id();
        var key =
                server.latchkey().apiTokens().create(bob, "k", Optional.empty()).key();
        var client = server.client();
        assertThat(client.get("/api/me", "Authorization", "Token " + key).statusCode())
                .isEqualTo(200);
        server.latchkey().users().deactivate("bob");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token " + key), "Token");
    }

    @Test
    void aTokenPastItsExpiryStopsWorking(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var clock = dev.latchkey.testing.MutableClock.at(java.time.Instant.now().toString());
        try (var timed = TestServer.https(dir, java.util.List.of(), clock)) {
            var alice = timed.latchkey().users().find("alice").orElseThrow().id();
            var key = timed.latchkey()
                    .apiTokens()
                    .create(alice, "short", Optional.of(Duration.ofMinutes(1)))
                    .key();
            var client = timed.client();
            assertThat(client.get("/api/me", "Authorization", "Token " + key).statusCode())
                    .isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
            assertInvalidToken(client.get("/api/me", "Authorization", "Token " + key), "Token");
        }
    }

    @Test
    void badRequestsForTokensAreClear() {
        var client = server.client();
        assertThat(client.postJson("/api/tokens", "{}").statusCode()).isEqualTo(401);
        assertThat(client.postJson("/api/tokens", "{\"username\":\"alice\",\"password\":\"wrong\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(client.postJson("/api/tokens", "{\"username\":\"alice\"}").statusCode())
                .isEqualTo(400);
        var bad = client.postJson(
                "/api/tokens",
                "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\",\"expires\":\"soon\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid_field");
        var badName = client.postJson(
                "/api/tokens", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\",\"name\":42}");
        assertThat(badName.statusCode()).isEqualTo(400);
        for (var expires : new String[] {
            "-5",
            "0",
            "\"-1d\"",
            "true",
            "[1]",
            "1e3",
            "9223372036854775807",
            "\"PT99999999999H\"",
            "\"366d\"",
            "\"999999999d\"",
            "99999999999999999999",
            "\"PT0.0001S\"",
            "59"
        }) {
            var response = client.postJson(
                    "/api/tokens",
                    "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\",\"expires\":" + expires
                            + "}");
            assertThat(response.statusCode()).as(expires).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"error\":\"invalid_");
        }
        assertThat(client.get("/api/tokens").statusCode()).isEqualTo(401);
    }

    @Test
    void aPasswordChangeRevokesTheTokensAUserMadeButNotAnOperators() {
        var carl = server.latchkey()
                .users()
                .create(new dev.latchkey.user.NewUser("carl", "", false, false), Optional.of(TestServer.PASSWORD))
                .id();
        var made = server.client()
                .postJson("/api/tokens", "{\"username\":\"carl\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(made.statusCode()).isEqualTo(201);
        var mine = group(KEY, made);
        var operators = server.latchkey()
                .apiTokens()
                .createByOperator(carl, "deploy", Optional.empty())
                .key();
        var client = server.client();
        assertThat(client.get("/api/me", "Authorization", "Token " + mine).statusCode())
                .isEqualTo(200);
        server.latchkey().users().setPassword("carl", "another good password");
        assertInvalidToken(client.get("/api/me", "Authorization", "Token " + mine), "Token");
        assertThat(client.get("/api/me", "Authorization", "Token " + operators).statusCode())
                .as("an operator's token serves a machine, not the person")
                .isEqualTo(200);
    }

    @Test
    void aBrowserSessionMintsATokenOnlyWithinMinutesOfSigningIn(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var clock = dev.latchkey.testing.MutableClock.at(java.time.Instant.now().toString());
        try (var timed = TestServer.https(dir, java.util.List.of(), clock)) {
            var browser = timed.client();
            var csrf = browser.signIn();
            assertThat(browser.postJson("/api/tokens", "{}", "X-CSRF-Token", csrf)
                            .statusCode())
                    .isEqualTo(201);
            clock.advance(Requests.RECENT_SIGN_IN.plusSeconds(1));
            var stale = browser.postJson("/api/tokens", "{}", "X-CSRF-Token", csrf);
            assertThat(stale.statusCode()).isEqualTo(403);
            assertThat(stale.body()).contains("recent sign-in");
            assertThat(browser.postJson(
                                    "/api/tokens",
                                    "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                                    "X-CSRF-Token",
                                    csrf)
                            .statusCode())
                    .as("or the password")
                    .isEqualTo(201);
            assertThat(browser.postJson("/api/jwt", "{}", "X-CSRF-Token", csrf).statusCode())
                    .as("nor a token pair, which would outlive the session")
                    .isEqualTo(403);
        }
    }

    private static long aliceId() {
        return server.latchkey().users().find("alice").orElseThrow().id();
    }
}
