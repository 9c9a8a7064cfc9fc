package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.SoftwareAuthenticator;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passkey JSON API over real HTTPS, with a software authenticator, and its bad input. */
class WebAuthnApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static MutableClock clock;
    static TestServer server;
    static String origin;
    static SoftwareAuthenticator alices;

    @BeforeAll
    static void start() throws Exception {
        clock = MutableClock.at(java.time.Instant.now().toString());
        server = TestServer.withPublicUrl(dir, clock);
        origin = "https://localhost:" + server.port();
        alices = new SoftwareAuthenticator();
        var browser = server.client();
        var csrf = browser.signIn();
        var options = read(browser.postJson("/api/webauthn/register/options", "{}", "X-CSRF-Token", csrf));
        var registered = browser.postJson(
                "/api/webauthn/register",
                "{\"credential\":" + alices.register(options.get("publicKey"), origin) + ",\"name\":\"Laptop\"}",
                "X-CSRF-Token",
                csrf);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode read(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fresh passwordless options from a client of an address of its own (loopback is a trusted proxy here). */
    private static JsonNode options(TestClient client) {
        return read(client.postJson("/api/webauthn/authenticate/options", "{}")).get("publicKey");
    }

    private static HttpResponse<String> authenticate(TestClient client, String credential, String issue, String ip) {
        return client.postJson(
                "/api/webauthn/authenticate",
                "{\"credential\":" + credential + ",\"issue\":\"" + issue + "\"}",
                "X-Forwarded-For",
                ip);
    }

    private static void assertJsonError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).startsWith("{\"error\":\"" + code + "\"");
    }

    @Test
    void aPasskeySignsInForASessionAJwtPairOrAnApiToken() {
        var browser = server.client();
        var session = authenticate(browser, alices.assertion(options(browser), origin), "session", "198.51.100.1");
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(session.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(session.body()).contains("\"username\":\"alice\"").contains("\"csrf_token\"");
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

        var app = server.client();
        var pair = authenticate(app, alices.assertion(options(app), origin), "jwt", "198.51.100.1");
        assertThat(pair.statusCode()).as(pair.body()).isEqualTo(200);
        var access = read(pair).get("access").asText();
        assertThat(server.client()
                        .get("/api/me", "Authorization", "Bearer " + access)
                        .statusCode())
                .isEqualTo(200);

        var token = app.postJson(
                "/api/webauthn/authenticate",
                "{\"credential\":" + alices.assertion(options(app), origin)
                        + ",\"issue\":\"token\",\"name\":\"ci\",\"expires\":\"1d\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        assertThat(token.body()).contains("\"name\":\"ci\"").contains("\"token\":\"lk_");
        assertThat(app.cookies).isEmpty();
    }

    @Test
    void theOptionsAreTheSameForAnyUsernameAndListNoCredentials() {
        var client = server.client();
        var shapes = new ArrayList<String>();
        for (var body : List.of("{}", "{\"username\":\"alice\"}", "{\"username\":\"nobody-here\"}")) {
            var options = read(client.postJson("/api/webauthn/authenticate/options", body))
                    .get("publicKey");
            assertThat(options.get("allowCredentials")).isEmpty();
            assertThat(options.get("userVerification").asText()).isEqualTo("required");
            assertThat(options.get("rpId").asText()).isEqualTo("localhost");
            ((ObjectNode) options).remove("challenge");
            shapes.add(options.toString());
        }
        assertThat(shapes).containsOnly(shapes.get(0));
        assertJsonError(
                client.postJson("/api/webauthn/authenticate/options", "{\"username\":7}"), 400, "invalid_field");
    }

    @Test
    void wrongOriginRpIdTypeChallengeSignatureAndReplaysAre401() {
        var client = server.client();
        int n = 0;
        for (var bad : List.of("origin", "rp", "type", "challenge", "signature", "replay")) {
            var ceremony = SoftwareAuthenticator.ceremony(options(client), origin, false);
            String credential = switch (bad) {
                case "origin" -> alices.assertion(ceremony.withOrigin("https://localhost.evil.example"), false);
                case "rp" -> alices.assertion(ceremony.withRpId("evil.example"), false);
                case "type" -> alices.assertion(ceremony.withType("webauthn.create"), false);
                case "challenge" ->
                    alices.assertion(
                            ceremony.withChallenge(
                                    Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])),
                            false);
                case "signature" -> alices.assertion(ceremony, true);
                default -> alices.assertion(ceremony, false);
            };
            var ip = "203.0.113." + ++n;
            if (bad.equals("replay")) {
                assertThat(authenticate(client, credential, "session", ip).statusCode())
                        .isEqualTo(200);
            }
            var response = authenticate(server.client(), credential, "session", ip);
            assertThat(response.body()).as(bad).doesNotContain("alice");
            assertJsonError(response, 401, "invalid_credentials");
        }
    }

    @Test
    void malformedMissingAndHugeInputIsAJsonErrorNeverA500() throws Exception {
        var good = (ObjectNode) JSON.readTree(alices.assertion(options(server.client()), origin));
        var cases = new ArrayList<String>();
        cases.add("{}");
        cases.add("{\"credential\":null}");
        cases.add("{\"credential\":42}");
        cases.add("{\"credential\":[]}");
        cases.add("{\"credential\":\"not json\"}");
        cases.add("{\"credential\":{}}");
        cases.add("{\"credential\":" + good + ",\"issue\":\"root\"}");
        cases.add("{\"credential\":" + with(good, "clientDataJSON", "%%%") + "}");
        cases.add("{\"credential\":" + with(good, "clientDataJSON", b64("{oops")) + "}");
        cases.add("{\"credential\":" + with(good, "authenticatorData", b64("\u00bfa")) + "}");
        cases.add("{\"credential\":" + with(good, "signature", "") + "}");
        cases.add("{\"credential\":\"" + "A".repeat(200_000) + "\"}");
        cases.add("{\"credential\":" + with(good, "clientDataJSON", "A".repeat(1024 * 1024)) + "}");
        cases.add("not json at all");
        int n = 0;
        for (var body : cases) {
            // Chunked, so that a body over the limit is refused as it is read (one of a declared length is refused
            // before, and its connection closed under the client's feet).
            var client = server.client();
            var response = client.send(client.builder("/api/webauthn/authenticate", "X-Forwarded-For", "192.0.2." + ++n)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(body))));
            assertThat(response.statusCode())
                    .as(body.length() > 100 ? body.substring(0, 100) : body)
                    .isIn(400, 401, 413);
            assertThat(response.body()).startsWith("{\"error\":\"");
        }
        var browser = server.client();
        var csrf = signInWithPasskey(browser, "198.51.100.80");
        var registration = (ObjectNode) JSON.readTree(new SoftwareAuthenticator()
                .register(
                        read(browser.postJson("/api/webauthn/register/options", "{}", "X-CSRF-Token", csrf))
                                .get("publicKey"),
                        origin));
        for (var credential : List.of(
                with(registration, "attestationObject", b64("\u00bfa")),
                with(registration, "attestationObject", "!!!"),
                with(registration, "clientDataJSON", b64("[]")),
                "\"" + "x".repeat(60_000) + "\"")) {
            var response = browser.postJson(
                    "/api/webauthn/register", "{\"credential\":" + credential + "}", "X-CSRF-Token", csrf);
            assertJsonError(response, 400, "invalid_credential");
        }
    }

    @Test
    void guessingWithAssertionsFromOneAddressIsThrottledLikeSignIns() {
        var client = server.client();
        var ip = "192.0.2.250";
        int throttledAt = -1;
        for (int i = 0; i < 40 && throttledAt < 0; i++) {
            var ceremony = SoftwareAuthenticator.ceremony(options(client), origin, false);
            var response = authenticate(client, alices.assertion(ceremony, true), "session", ip);
            if (response.statusCode() == 429) {
                throttledAt = i;
                assertThat(response.headers().firstValue("retry-after")).isPresent();
                assertThat(response.body()).startsWith("{\"error\":\"throttled\"");
            } else {
                assertJsonError(response, 401, "invalid_credentials");
            }
        }
        assertThat(throttledAt).as("a 429 within 40 bad assertions").isPositive();
        // While blocked, even a good assertion from that address is not checked; another address is not blocked.
        assertThat(authenticate(client, alices.assertion(options(client), origin), "session", ip)
                        .statusCode())
                .isEqualTo(429);
        assertThat(authenticate(client, alices.assertion(options(client), origin), "session", "192.0.2.251")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void ofThirtyTwoUsesOfOneChallengeAtOnceOneWins() throws Exception {
        var credential = alices.assertion(options(server.client()), origin);
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(32);
        try {
            var results = new ArrayList<Future<Integer>>();
            for (int i = 0; i < 32; i++) {
                var ip = "198.18.0." + (i + 1);
                results.add(pool.submit(() -> {
                    start.await();
                    return authenticate(server.client(), credential, "jwt", ip).statusCode();
                }));
            }
            start.countDown();
            var statuses = new ArrayList<Integer>();
            for (var result : results) {
                statuses.add(result.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s != 200).containsOnly(401);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCallerListsRenamesAndRemovesOnlyTheirOwnPasskeys() throws Exception {
        assertJsonError(server.client().postJson("/api/webauthn/register/options", "{}"), 401, "not_authenticated");
        var browser = server.client();
        // Alice has a passkey now, so a password alone no longer signs her in; her passkey does.
        var csrf = signInWithPasskey(browser, "198.51.100.78");
        var options = read(browser.postJson("/api/webauthn/register/options", "{}", "X-CSRF-Token", csrf));
        var second = new SoftwareAuthenticator();
        var created = browser.postJson(
                "/api/webauthn/register",
                "{\"credential\":" + second.register(options.get("publicKey"), origin) + ",\"name\":\"Phone\"}",
                "X-CSRF-Token",
                csrf);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var id = JSON.readTree(created.body()).get("id").asLong();
        assertThat(browser.get("/api/webauthn/credentials").body()).contains("\"name\":\"Phone\"");

        var renamed = browser.send(browser.builder("/api/webauthn/credentials/" + id, "X-CSRF-Token", csrf)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Work phone\"}")));
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.body()).contains("\"name\":\"Work phone\"");
        var tooLong = browser.send(browser.builder("/api/webauthn/credentials/" + id, "X-CSRF-Token", csrf)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "x".repeat(101) + "\"}")));
        assertJsonError(tooLong, 400, "invalid_name");
        assertJsonError(
                browser.delete("/api/webauthn/credentials/not-a-number", "X-CSRF-Token", csrf), 404, "no_such_passkey");
        assertJsonError(browser.delete("/api/webauthn/credentials/" + id), 403, "csrf_failed");
        assertThat(browser.delete("/api/webauthn/credentials/" + id, "X-CSRF-Token", csrf)
                        .statusCode())
                .isEqualTo(204);
        assertJsonError(
                browser.delete("/api/webauthn/credentials/" + id, "X-CSRF-Token", csrf), 404, "no_such_passkey");
        // The removed passkey signs nobody in any more.
        var client = server.client();
        assertJsonError(
                authenticate(client, second.assertion(options(client), origin), "session", "198.51.100.77"),
                401,
                "invalid_credentials");
    }

    @Test
    void aPasskeyIsTheSecondStepOfAPasswordSignInOnEveryPath() {
        for (var path : List.of("/api/session", "/api/jwt", "/api/tokens")) {
            var client = server.client();
            var first = client.postJson(path, "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
            assertJsonError(first, 401, "mfa_required");
            var mfa = readAny(first);
            assertThat(mfa.get("methods").toString()).contains("\"webauthn\"");
            var token = mfa.get("mfa_token").asText();

            // Options for her passkeys only with a good mfa_token; a made-up one is refused, not answered.
            assertJsonError(
                    client.postJson("/api/webauthn/authenticate/options", "{\"mfa_token\":\"" + "A".repeat(43) + "\"}"),
                    401,
                    "invalid_mfa_token");
            var options = read(client.postJson(
                            "/api/webauthn/authenticate/options", "{\"mfa_token\":\"" + token + "\"}"))
                    .get("publicKey");
            assertThat(options.get("allowCredentials")).hasSize(1);

            // A passwordless challenge cannot prove a second step, nor a second step a passwordless sign-in.
            var passwordless = alices.assertion(options(client), origin);
            assertJsonError(verify(client, token, passwordless), 401, "invalid_mfa_code");
            var secondStep = alices.assertion(options, origin);
            var done = verify(client, token, secondStep);
            assertThat(done.statusCode())
                    .as(path + " " + done.body())
                    .isEqualTo("/api/tokens".equals(path) ? 201 : 200);
            if ("/api/jwt".equals(path)) {
                var access = readAny(done).get("access").asText();
                assertThat(server.client()
                                .get("/api/me", "Authorization", "Bearer " + access)
                                .statusCode())
                        .isEqualTo(200);
                var claims =
                        new String(Base64.getUrlDecoder().decode(access.split("\\.", -1)[1]), StandardCharsets.UTF_8);
                assertThat(claims).contains("\"mfa\"").contains("\"pwd\"").containsPattern("\"[hs]wk\"");
            }
            if ("/api/session".equals(path)) {
                var me = readAny(client.get("/api/me"));
                assertThat(me.get("amr").toString())
                        .contains("\"pwd\"")
                        .contains("\"mfa\"")
                        .containsPattern("\"[hs]wk\"");
            }
            // The mfa_token is spent: the same assertion again, or a fresh one, is refused.
            assertJsonError(verify(client, token, secondStep), 401, "invalid_mfa_token");
        }
    }

    @Test
    void aPasswordlessSignInIsMultiFactorByItself() {
        var browser = server.client();
        var session = authenticate(browser, alices.assertion(options(browser), origin), "session", "198.51.100.79");
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        var amr = readAny(browser.get("/api/me")).get("amr").toString();
        assertThat(amr)
                .contains("\"user\"")
                .contains("\"mfa\"")
                .containsPattern("\"[hs]wk\"")
                .doesNotContain("pwd");
    }

    @Test
    void addingOrRemovingAPasskeyNeedsASignInOfTheLastTenMinutes() throws Exception {
        var browser = server.client();
        var csrf = signInWithPasskey(browser, "198.51.100.81");
        var id = JSON.readTree(browser.get("/api/webauthn/credentials").body())
                .get("credentials")
                .get(0)
                .get("id")
                .asLong();
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertJsonError(
                browser.postJson("/api/webauthn/register/options", "{}", "X-CSRF-Token", csrf),
                401,
                "reauthentication_required");
        assertJsonError(
                browser.delete("/api/webauthn/credentials/" + id, "X-CSRF-Token", csrf),
                401,
                "reauthentication_required");
        // A fresh sign-in (the passkey itself) makes it possible again.
        var again = server.client();
        var fresh = signInWithPasskey(again, "198.51.100.81");
        assertThat(again.postJson("/api/webauthn/register/options", "{}", "X-CSRF-Token", fresh)
                        .statusCode())
                .isEqualTo(200);
    }

    /** Alice's session by her passkey (she has one, so a password alone no longer signs her in); its CSRF token. */
    private static String signInWithPasskey(TestClient browser, String ip) {
        var session = authenticate(browser, alices.assertion(options(browser), origin), "session", ip);
        return read(session).get("csrf_token").asText();
    }

    private static HttpResponse<String> verify(TestClient client, String token, String assertion) {
        return client.postJson(
                "/api/mfa/verify",
                "{\"mfa_token\":\"" + token + "\",\"method\":\"webauthn\",\"assertion\":" + assertion + "}");
    }

    private static JsonNode readAny(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String with(ObjectNode credential, String field, String value) {
        var copy = credential.deepCopy();
        ((ObjectNode) copy.get("response")).put(field, value);
        return copy.toString();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
