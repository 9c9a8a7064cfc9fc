package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.mfa.MfaPolicy;
import dev.latchkey.mfa.MfaSettings;
import dev.latchkey.mfa.Totp;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.user.NewUser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two-step sign-in over real HTTPS on every path (/api/session, /api/jwt, /api/tokens, the /login page), with the
 * settable clock at the window's edges, the mfa_token's guards and their attacks, step-up, the policy, and amr
 * wherever it is told.
 */
class MfaFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = TestServer.PASSWORD;

    @TempDir
    static Path dir;

    static MutableClock clock = MutableClock.at("2026-06-01T09:00:10Z");
    static TestServer server;
    static byte[] key;
    static List<String> recovery;
    static int addresses;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.httpsBehindProxy(dir, clock);
        server.latchkey().users().create(new NewUser("bob", "bob@example.com", false, false), Optional.of(PASSWORD));
        var browser = server.client();
        var csrf = signIn(browser, "bob");
        var begun = browser.postJson("/api/mfa/totp", "{}", "X-CSRF-Token", csrf);
        assertThat(begun.statusCode()).as(begun.body()).isEqualTo(200);
        var body = JSON.readTree(begun.body());
        assertThat(body.get("otpauth_uri").asText()).startsWith("otpauth://totp/latchkey:bob?secret=");
        key = base32(body.get("secret").asText());
        assertThat(key).hasSize(20);
        var wrong = browser.postJson("/api/mfa/totp/confirm", "{\"code\":\"" + wrong() + "\"}", "X-CSRF-Token", csrf);
        assertThat(wrong.statusCode()).isEqualTo(400);
        var confirmed =
                browser.postJson("/api/mfa/totp/confirm", "{\"code\":\"" + code(-1) + "\"}", "X-CSRF-Token", csrf);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        recovery = new ArrayList<>();
        JSON.readTree(confirmed.body()).get("recovery_codes").forEach(c -> recovery.add(c.asText()));
        assertThat(recovery).hasSize(10);
        assertThat(server.latchkey().audit().findRecentByUser(bobId(), "mfa_enabled", 5))
                .hasSize(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- helpers

    static long bobId() {
        return server.latchkey().users().find("bob").orElseThrow().id();
    }

    static String signIn(TestClient client, String name) {
        var response =
                client.postJson("/api/session", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return client.cookies.get("__Host-lk_csrf");
    }

    static String code(int stepsFromNow) {
        return Totp.text(key, Totp.step(clock.instant()) + stepsFromNow, 6);
    }

    static String wrong() {
        var right = code(-1) + " " + code(0) + " " + code(1);
        for (int n = 1; ; n++) {
            var candidate = String.format("%06d", n);
            if (!right.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Each test speaks from addresses of its own, so failures in one never throttle another. */
    static synchronized String address() {
        addresses++;
        return "198.51.100." + addresses;
    }

    /** The first step from {@code ip}: 401 mfa_required, and its token. */
    static String firstStep(TestClient client, String path, String extra, String ip) throws Exception {
        var response = client.postJson(
                path, "{\"username\":\"bob\",\"password\":\"" + PASSWORD + "\"" + extra + "}", "X-Forwarded-For", ip);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        var body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("mfa_required");
        assertThat(body.get("methods").toString()).isEqualTo("[\"totp\",\"recovery\"]");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");
        return body.get("mfa_token").asText();
    }

    static HttpResponse<String> verify(TestClient client, String token, String code, String ip) {
        return client.postJson(
                "/api/mfa/verify",
                "{\"mfa_token\":\"" + token + "\",\"code\":\"" + code + "\"}",
                "X-Forwarded-For",
                ip);
    }

    static JsonNode jwtPayload(String jwt) throws Exception {
        var part = jwt.split("\\.", -1)[1];
        return JSON.readTree(Base64.getUrlDecoder().decode(part));
    }

    static byte[] base32(String text) {
        return dev.latchkey.server.web.TestCodes.base32(text);
    }

    // --- every path

    @Test
    void theSessionApiAsksForTheCodeAndItsSecondStepSetsTheCookieWithAmr() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/session", "", ip);
        var done = verify(client, token, code(-1), ip);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(JSON.readTree(done.body()).get("csrf_token").asText()).isNotEmpty();
        assertThat(client.cookies).containsKey("__Host-lk_session");
        var me = JSON.readTree(client.get("/api/me", "X-Forwarded-For", ip).body());
        assertThat(me.get("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        var forward = client.get("/auth/verify", "X-Forwarded-For", ip);
        assertThat(forward.headers().firstValue("x-auth-amr")).hasValue("pwd,otp,mfa");
        var again = verify(server.client(), token, code(0), ip);
        assertThat(again.statusCode()).as("an mfa_token works once").isEqualTo(401);
        assertThat(again.body()).contains("invalid_mfa_token");
    }

    @Test
    void theJwtApiAnswersAPairWhoseAccessTokensCarryAmrAfterRefreshToo() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/jwt", "", ip);
        var done = verify(client, token, code(0).substring(0, 3) + " " + code(0).substring(3), ip);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        var pair = JSON.readTree(done.body());
        assertThat(jwtPayload(pair.get("access").asText()).get("amr").toString())
                .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        var refreshed = client.postJson(
                "/api/jwt/refresh", "{\"refresh\":\"" + pair.get("refresh").asText() + "\"}");
        assertThat(jwtPayload(JSON.readTree(refreshed.body()).get("access").asText())
                        .get("amr")
                        .toString())
                .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");
    }

    @Test
    void theTokenApiAnswersTheTokenTheFirstCallAskedFor() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/tokens", ",\"name\":\"ci box\",\"expires\":\"2d\"", ip);
        var done = verify(client, token, code(1), ip);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        var body = JSON.readTree(done.body());
        assertThat(body.get("name").asText()).isEqualTo("ci box");
        assertThat(body.get("expires_at").asText())
                .isEqualTo(clock.instant().plus(Duration.ofDays(2)).toString());
        var me = server.client()
                .get("/api/me", "Authorization", "Token " + body.get("token").asText());
        assertThat(me.statusCode()).isEqualTo(200);
    }

    @Test
    void theLoginPageLeadsToASecondPageAndTheCodeSignsIn() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var browser = server.client();
        var form = browser.get("/login?next=/account", "X-Forwarded-For", ip);
        var csrf = hidden(form.body(), "csrf_token");
        var second = browser.postForm(
                "/login",
                Map.of("csrf_token", csrf, "username", "bob", "password", PASSWORD, "next", "/account"),
                "X-Forwarded-For",
                ip);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.body()).contains("name=\"code\"").contains("recovery code");
        assertThat(browser.cookies).doesNotContainKey("__Host-lk_session");
        var token = hidden(second.body(), "mfa_token");
        var wrongCode = browser.postForm(
                "/login/mfa",
                Map.of("csrf_token", csrf, "mfa_token", token, "code", wrong(), "next", "/account"),
                "X-Forwarded-For",
                ip);
        assertThat(wrongCode.statusCode()).isEqualTo(400);
        assertThat(wrongCode.body()).contains("not right");
        var done = browser.postForm(
                "/login/mfa",
                Map.of("csrf_token", csrf, "mfa_token", token, "code", code(0), "next", "/account"),
                "X-Forwarded-For",
                ip);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("location")).hasValue("/account");
        assertThat(browser.get("/account", "X-Forwarded-For", ip).body()).contains("/account/mfa");
    }

    static String hidden(String html, String name) {
        return dev.latchkey.server.web.TestCodes.hidden(html, name);
    }

    // --- the window, reuse and bad input

    @Test
    void theWindowTakesOneStepEitherSideAndRefusesTwo() throws Exception {
        for (int offset : new int[] {-2, 2}) {
            clock.advance(Duration.ofSeconds(90));
            var ip = address();
            var client = server.client();
            var response = verify(client, firstStep(client, "/api/jwt", "", ip), code(offset), ip);
            assertThat(response.statusCode()).as("offset " + offset).isEqualTo(401);
            assertThat(response.body()).contains("invalid_mfa_code");
        }
    }

    @Test
    void aCodeUsedOnceIsRefusedTheSecondTime() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var used = code(0);
        assertThat(verify(client, firstStep(client, "/api/jwt", "", ip), used, ip)
                        .statusCode())
                .isEqualTo(200);
        var again = verify(client, firstStep(client, "/api/jwt", "", ip), used, ip);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("invalid_mfa_code");
    }

    @Test
    void malformedMissingOversizedAndHostileInputIsRefusedWithoutA500() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/jwt", "", ip);
        for (var bad : List.of("12345a", "1234567", "١٢٣٤٥٦", "12\\u0000456", "' OR 1=1 --")) {
            var response = verify(client, token, bad, ip);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).as(bad).startsWith("{\"error\":\"invalid_code\"");
        }
        var huge = verify(client, token, "1".repeat(10_000), ip);
        assertThat(huge.statusCode()).isEqualTo(400);
        var missing = client.postJson("/api/mfa/verify", "{\"code\":\"123456\"}", "X-Forwarded-For", ip);
        assertThat(missing.body()).contains("missing_field");
        var noCode = client.postJson("/api/mfa/verify", "{\"mfa_token\":\"x\"}", "X-Forwarded-For", ip);
        assertThat(noCode.statusCode()).isEqualTo(400);
        var notString =
                client.postJson("/api/mfa/verify", "{\"mfa_token\":1,\"code\":\"123456\"}", "X-Forwarded-For", ip);
        assertThat(notString.body()).contains("invalid_field");
        var method = client.postJson(
                "/api/mfa/verify",
                "{\"mfa_token\":\"" + token + "\",\"code\":\"123456\",\"method\":\"sms\"}",
                "X-Forwarded-For",
                ip);
        assertThat(method.body()).contains("unsupported_method");
        var webauthn = client.postJson(
                "/api/mfa/verify",
                "{\"mfa_token\":\"" + token + "\",\"method\":\"webauthn\",\"assertion\":{\"id\":\"x\"}}",
                "X-Forwarded-For",
                ip);
        assertThat(webauthn.statusCode()).as("no passkeys registered here").isEqualTo(400);
        assertThat(client.postJson("/api/mfa/verify", "[]", "X-Forwarded-For", ip)
                        .statusCode())
                .isEqualTo(400);
        assertThat(client.postJson("/api/mfa/verify", "{", "X-Forwarded-For", ip)
                        .statusCode())
                .isEqualTo(400);
        var forged = verify(client, "A".repeat(43), code(0), ip);
        assertThat(forged.statusCode()).isEqualTo(401);
        // Malformed codes count as wrong guesses: after six, the token is spent and bob's proofs from here blocked.
        var after = verify(client, token, code(0), ip);
        assertThat(after.statusCode()).as(after.body()).isIn(401, 429);
    }

    // --- the mfa_token's guards, attacked

    @Test
    void aStolenMfaTokenFromAnotherAddressOrTooLateFails() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/session", "", ip);
        var stolen = verify(server.client(), token, code(0), address());
        assertThat(stolen.statusCode()).isEqualTo(401);
        assertThat(stolen.body()).contains("invalid_mfa_token");
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        var late = verify(client, token, code(0), ip);
        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(late.body()).contains("invalid_mfa_token");
    }

    @Test
    void aHundredParallelWrongCodesOnOneTokenGetNoMoreChecksThanTheRule() throws Exception {
        clock.advance(Duration.ofMinutes(10));
        var ip = address();
        var client = server.client();
        var token = firstStep(client, "/api/jwt", "", ip);
        var before = server.latchkey()
                .audit()
                .findRecentByUser(bobId(), "mfa_failure", 1000)
                .size();
        var pool = Executors.newFixedThreadPool(20);
        var answers = new ArrayList<Future<HttpResponse<String>>>();
        var guess = wrong();
        for (int i = 0; i < 100; i++) {
            answers.add(pool.submit(() -> verify(server.client(), token, guess, ip)));
        }
        var statuses = new ArrayList<Integer>();
        for (var answer : answers) {
            statuses.add(answer.get(60, TimeUnit.SECONDS).statusCode());
        }
        pool.shutdownNow();
        assertThat(statuses).doesNotContain(200, 500).allMatch(s -> s == 401 || s == 429);
        var checked = server.latchkey()
                        .audit()
                        .findRecentByUser(bobId(), "mfa_failure", 1000)
                        .size()
                - before;
        assertThat(checked).isLessThanOrEqualTo(5);
        assertThat(verify(client, token, code(0), ip).statusCode())
                .as("the token is spent")
                .isIn(401, 429);
        clock.advance(Duration.ofMinutes(10));
    }

    @Test
    void aRecoveryCodeSignsInOnceWithItsAmrAndIsAuditedAndCounted() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var client = server.client();
        var code = recovery.get(0);
        var done = verify(client, firstStep(client, "/api/jwt", "", ip), code, ip);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(jwtPayload(JSON.readTree(done.body()).get("access").asText())
                        .get("amr")
                        .toString())
                .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        var again = verify(client, firstStep(client, "/api/jwt", "", ip), code, ip);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(server.latchkey().audit().findRecentByUser(bobId(), "recovery_code_used", 5))
                .isNotEmpty();
        assertThat(server.latchkey()
                        .meters()
                        .counter("latchkey.mfa", "method", "recovery", "outcome", "success")
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    // --- step-up

    /** A stolen JWT or API token, however fresh, neither removes the second factor nor adds its thief's own. */
    @Test
    void aJwtOrAnApiTokenCannotChangeFactors() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var app = server.client();
        var token = firstStep(app, "/api/jwt", "", ip);
        var access = JSON.readTree(verify(app, token, code(0), ip).body())
                .get("access")
                .asText();
        clock.advance(Duration.ofSeconds(90));
        var apiToken = firstStep(app, "/api/tokens", "", ip);
        var key = JSON.readTree(verify(app, apiToken, code(0), ip).body())
                .get("token")
                .asText();
        for (var authorization : List.of("Bearer " + access, "Token " + key)) {
            for (var call : List.<java.util.function.Supplier<HttpResponse<String>>>of(
                    () -> app.delete("/api/mfa/totp", "Authorization", authorization, "X-Forwarded-For", ip),
                    () -> app.postJson("/api/mfa/totp", "{}", "Authorization", authorization, "X-Forwarded-For", ip),
                    () -> app.postJson(
                            "/api/mfa/recovery-codes", "{}", "Authorization", authorization, "X-Forwarded-For", ip))) {
                var refused = call.get();
                assertThat(refused.statusCode())
                        .as(authorization.split(" ", -1)[0] + " " + refused.body())
                        .isIn(401, 403);
                assertThat(refused.body()).doesNotContain("secret").doesNotContain("recovery_codes\":[");
            }
        }
        // The factor is still there: a password alone is still not enough.
        assertThat(firstStep(server.client(), "/api/session", "", address())).hasSize(43);
    }

    @Test
    void factorChangesTokensAndEndingSessionsNeedARecentSignInAndReauthGivesOne() throws Exception {
        clock.advance(Duration.ofSeconds(90));
        var ip = address();
        var browser = server.client();
        var token = firstStep(browser, "/api/session", "", ip);
        var csrf = JSON.readTree(verify(browser, token, code(0), ip).body())
                .get("csrf_token")
                .asText();
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        for (var call : List.<java.util.function.Supplier<HttpResponse<String>>>of(
                () -> browser.postJson("/api/mfa/recovery-codes", "{}", "X-CSRF-Token", csrf, "X-Forwarded-For", ip),
                () -> browser.delete("/api/mfa/totp", "X-CSRF-Token", csrf, "X-Forwarded-For", ip),
                () -> browser.delete("/api/sessions", "X-CSRF-Token", csrf, "X-Forwarded-For", ip),
                () -> browser.postJson("/api/mfa/totp", "{}", "X-CSRF-Token", csrf, "X-Forwarded-For", ip),
                () -> browser.postJson(
                        "/api/password/change",
                        "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\"another long passphrase 9\"}",
                        "X-CSRF-Token",
                        csrf,
                        "X-Forwarded-For",
                        ip),
                () -> browser.postJson(
                        "/api/tokens", "{\"name\":\"x\"}", "X-CSRF-Token", csrf, "X-Forwarded-For", ip))) {
            var refused = call.get();
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(refused.body()).contains("reauthentication_required");
        }
        var noCode = browser.postJson(
                "/api/session/reauth",
                "{\"password\":\"" + PASSWORD + "\"}",
                "X-CSRF-Token",
                csrf,
                "X-Forwarded-For",
                ip);
        assertThat(noCode.statusCode()).as("the factor too").isEqualTo(400);
        var wrongPassword = browser.postJson(
                "/api/session/reauth",
                "{\"password\":\"nope\",\"code\":\"" + code(0) + "\"}",
                "X-CSRF-Token",
                csrf,
                "X-Forwarded-For",
                ip);
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        clock.advance(Duration.ofSeconds(60));
        var again = browser.postJson(
                "/api/session/reauth",
                "{\"password\":\"" + PASSWORD + "\",\"code\":\"" + code(0) + "\"}",
                "X-CSRF-Token",
                csrf,
                "X-Forwarded-For",
                ip);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(204);
        var ended = browser.delete("/api/sessions", "X-CSRF-Token", csrf, "X-Forwarded-For", ip);
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
        var listed =
                JSON.readTree(browser.get("/api/mfa", "X-Forwarded-For", ip).body());
        assertThat(listed.get("methods").toString()).isEqualTo("[\"totp\",\"recovery\"]");
    }

    // --- the policy, and removal

    @Test
    void underPolicyAllAUserWithoutAFactorEnrolsWithTheTokenThenSignsInWithBoth() throws Exception {
        server.latchkey().users().create(new NewUser("cleo", "", false, false), Optional.of(PASSWORD));
        server.latchkey().twoStep().settings(new MfaSettings(MfaPolicy.ALL, false));
        try {
            clock.advance(Duration.ofSeconds(90));
            var ip = address();
            var client = server.client();
            var first = client.postJson(
                    "/api/jwt", "{\"username\":\"cleo\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", ip);
            assertThat(first.statusCode()).isEqualTo(401);
            var body = JSON.readTree(first.body());
            assertThat(body.get("error").asText()).isEqualTo("mfa_enrollment_required");
            var token = body.get("mfa_token").asText();
            assertThat(verify(client, token, "123456", ip).body())
                    .as("an enrolment token signs nobody in")
                    .contains("invalid_mfa_token");
            var begun = client.postJson("/api/mfa/totp", "{\"mfa_token\":\"" + token + "\"}", "X-Forwarded-For", ip);
            assertThat(begun.statusCode()).as(begun.body()).isEqualTo(200);
            var cleoKey = base32(JSON.readTree(begun.body()).get("secret").asText());
            var code = Totp.text(cleoKey, Totp.step(clock.instant()), 6);
            var confirmed = client.postJson(
                    "/api/mfa/totp/confirm",
                    "{\"mfa_token\":\"" + token + "\",\"code\":\"" + code + "\"}",
                    "X-Forwarded-For",
                    ip);
            assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
            assertThat(confirmed.body()).contains("recovery_codes");
            var next = client.postJson(
                    "/api/jwt", "{\"username\":\"cleo\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", ip);
            assertThat(next.body()).contains("mfa_required");
        } finally {
            server.latchkey().twoStep().settings(MfaSettings.DEFAULT);
        }
    }

    @Test
    void underPolicyAllTheLoginPageShowsTheSetUpPageAndOldSessionsAreSentToReauth() throws Exception {
        server.latchkey().users().create(new NewUser("dora", "", false, false), Optional.of(PASSWORD));
        server.latchkey().twoStep().settings(new MfaSettings(MfaPolicy.ALL, false));
        try {
            clock.advance(Duration.ofSeconds(90));
            var ip = address();
            var browser = server.client();
            var csrf = hidden(browser.get("/login", "X-Forwarded-For", ip).body(), "csrf_token");
            var page = browser.postForm(
                    "/login",
                    Map.of("csrf_token", csrf, "username", "dora", "password", PASSWORD, "next", "/account"),
                    "X-Forwarded-For",
                    ip);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(page.body()).contains("<svg").contains("needs two-step sign-in");
            assertThat(browser.cookies).doesNotContainKey("__Host-lk_session");
            var secret = java.util.regex.Pattern.compile("<code id=\"secret\">([A-Z2-7 ]+)</code>")
                    .matcher(page.body());
            assertThat(secret.find()).isTrue();
            var doraKey = base32(secret.group(1).replace(" ", ""));
            var done = browser.postForm(
                    "/login/mfa/enrol",
                    Map.of(
                            "csrf_token",
                            csrf,
                            "mfa_token",
                            hidden(page.body(), "mfa_token"),
                            "code",
                            Totp.text(doraKey, Totp.step(clock.instant()), 6)),
                    "X-Forwarded-For",
                    ip);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(done.body()).contains("recovery-codes");
        } finally {
            server.latchkey().twoStep().settings(MfaSettings.DEFAULT);
        }
        var ip = address();
        var browser = server.client();
        signIn(browser, "alice");
        clock.advance(Duration.ofMinutes(11));
        var csrf = browser.cookies.get("__Host-lk_csrf");
        var old = browser.postForm("/account/mfa/totp", Map.of("csrf_token", csrf), "X-Forwarded-For", ip);
        assertThat(old.statusCode()).isEqualTo(303);
        assertThat(old.headers().firstValue("location")).hasValue("/reauth?next=%2Faccount%2Fmfa");
        var password = browser.postForm(
                "/account/password",
                Map.of("csrf_token", csrf, "current_password", PASSWORD, "new_password", "another long phrase 77"),
                "X-Forwarded-For",
                ip);
        assertThat(password.headers().firstValue("location")).hasValue("/reauth?next=%2Faccount%2Fpassword");
        var again = browser.postForm(
                "/reauth",
                Map.of("csrf_token", csrf, "password", PASSWORD, "next", "/account/mfa"),
                "X-Forwarded-For",
                ip);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
        assertThat(again.headers().firstValue("location")).hasValue("/account/mfa");
        var now = browser.postForm("/account/mfa/totp", Map.of("csrf_token", csrf), "X-Forwarded-For", ip);
        assertThat(now.statusCode()).isEqualTo(200);
        assertThat(now.body()).contains("<svg");
    }

    @Test
    void aPasswordResetKeepsTheFactorAndTheNextSignInStillAsksForIt() throws Exception {
        server.latchkey().users().setPassword("bob", PASSWORD);
        var ip = address();
        firstStep(server.client(), "/api/session", "", ip);
    }

    @Test
    void aUserWithoutAFactorSignsInWithThePasswordAloneAndAmrPwd() throws Exception {
        var ip = address();
        var client = server.client();
        var response = client.postJson(
                "/api/session", "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", ip);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(client.get("/api/me", "X-Forwarded-For", ip).body())
                        .get("amr")
                        .toString())
                .isEqualTo("[\"pwd\"]");
        assertThat(client.get("/auth/verify", "X-Forwarded-For", ip).headers().firstValue("x-auth-amr"))
                .hasValue("pwd");
        var jwt = JSON.readTree(server.client()
                .postJson(
                        "/api/jwt", "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}", "X-Forwarded-For", ip)
                .body());
        assertThat(jwtPayload(jwt.get("access").asText()).get("amr").toString()).isEqualTo("[\"pwd\"]");
        assertThat(new String(
                        Base64.getUrlDecoder().decode(jwt.get("access").asText().split("\\.", -1)[1]),
                        StandardCharsets.UTF_8))
                .contains("\"amr\"");
    }
}
