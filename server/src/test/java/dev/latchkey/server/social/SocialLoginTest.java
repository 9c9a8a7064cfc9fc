package dev.latchkey.server.social;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.social.ProviderSettings;
import dev.latchkey.user.NewUser;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Social login against a real OpenID Connect server started in the test (NAV's mock-oauth2-server: discovery,
 * JWKS, authorization code with PKCE, signed ID tokens with the nonce).
 */
class SocialLoginTest {
    private static final String CLIENT = "latchkey-client";
    private static final String APP_REDIRECT = "com.example.app:/oauth/callback";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient IDP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path dir;

    static MockOAuth2Server idp;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(0);
        var issuer = URI.create(idp.issuerUrl("default").toString());
        var down = URI.create("http://127.0.0.1:" + closedPort() + "/nowhere");
        server = TestServer.https(
                dir,
                List.of(
                        new ProviderSettings(
                                "myidp",
                                "oidc",
                                issuer,
                                CLIENT,
                                "client-secret",
                                List.of("openid", "email"),
                                List.of(APP_REDIRECT),
                                Duration.ofSeconds(5),
                                Map.of(),
                                false),
                        new ProviderSettings(
                                "downidp",
                                "oidc",
                                down,
                                CLIENT,
                                "client-secret",
                                List.of("openid"),
                                List.of(),
                                Duration.ofSeconds(2),
                                Map.of(),
                                false)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        idp.shutdown();
    }

    @Test
    void theBrowserFlowSignsInANewUserWithARotatedSessionAndAStateUsableOnce() throws Exception {
        identity("dana-at-idp", Map.of("email", "dana@idp.example", "email_verified", true, "name", "Dana"));
        var browser = server.client();
        var login = browser.get("/login/myidp?next=/account");
        assertThat(login.statusCode()).isEqualTo(302);
        var authorize = URI.create(login.headers().firstValue("location").orElseThrow());
        assertThat(authorize.toString())
                .startsWith(idp.issuerUrl("default").toString())
                .contains("code_challenge_method=S256")
                .contains("nonce=")
                .contains("state=");
        assertThat(browser.cookies.get("__Host-lk_session"))
                .as("no session row for an anonymous visitor")
                .isNull();
        var pending = browser.cookies.get("__Host-lk_social");
        assertThat(pending)
                .as("the pending sign-in is a sealed cookie")
                .isNotNull()
                .doesNotContain("state");

        var callback = follow(authorize);
        assertThat(callback.getPath()).isEqualTo("/login/myidp/callback");
        var signedIn = browser.get(callback.getRawPath() + "?" + callback.getRawQuery());
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("location")).hasValue("/account");
        assertThat(browser.cookies.get("__Host-lk_session"))
                .as("a session from the sign-in on")
                .isNotNull();
        assertThat(browser.cookies).as("the pending sign-in is spent").doesNotContainKey("__Host-lk_social");
        var me = JSON.readTree(browser.get("/api/me").body());
        assertThat(me.get("username").asText()).isEqualTo("dana");
        assertThat(me.get("email").asText()).isEqualTo("dana@idp.example");

        var replay = server.client();
        replay.cookies.put("__Host-lk_social", pending);
        var again = replay.get(callback.getRawPath() + "?" + callback.getRawQuery());
        assertThat(again.statusCode())
                .as("a state is good once, even with its cookie kept")
                .isEqualTo(400);
        var forged = server.client();
        forged.cookies.put("__Host-lk_social", pending.substring(0, pending.length() - 4) + "AAAA");
        assertThat(forged.get(callback.getRawPath() + "?" + callback.getRawQuery())
                        .statusCode())
                .as("an altered cookie")
                .isEqualTo(400);

        // The same provider and subject is the same user next time.
        identity("dana-at-idp", Map.of("email", "dana@idp.example", "email_verified", true));
        var second = signInThroughBrowser();
        assertThat(JSON.readTree(second.get("/api/me").body()).get("id").asLong())
                .isEqualTo(me.get("id").asLong());
    }

    @Test
    void aStateOlderThanTenMinutesIsRefused() throws Exception {
        var clock = dev.latchkey.testing.MutableClock.at(java.time.Instant.now().toString());
        try (var timed = TestServer.https(
                dir.resolve("timed"),
                List.of(new ProviderSettings(
                        "myidp",
                        "oidc",
                        URI.create(idp.issuerUrl("default").toString()),
                        CLIENT,
                        "client-secret",
                        List.of("openid"),
                        List.of(),
                        Duration.ofSeconds(5),
                        Map.of(),
                        false)),
                clock)) {
            // No identity is queued for this one: the late callback never reaches the token endpoint.
            var browser = timed.client();
            var login = browser.get("/login/myidp");
            var back = follow(URI.create(login.headers().firstValue("location").orElseThrow()));
            clock.advance(Duration.ofMinutes(10).plusSeconds(1));
            var late = browser.get(back.getRawPath() + "?" + back.getRawQuery());
            assertPage(late, 400, "no longer valid");

            identity("prompt-at-idp", Map.of());
            var again = browser.get("/login/myidp");
            var backAgain =
                    follow(URI.create(again.headers().firstValue("location").orElseThrow()));
            clock.advance(Duration.ofMinutes(9));
            var inTime = browser.get(backAgain.getRawPath() + "?" + backAgain.getRawQuery());
            assertThat(inTime.statusCode()).as(inTime.body()).isEqualTo(303);
        }
    }

    @Test
    void aVerifiedEmailLinksToItsUserAndAnUnverifiedOneNever() throws Exception {
        server.latchkey()
                .users()
                .create(new NewUser("erin", "erin@example.com", false, false), Optional.of(TestServer.PASSWORD));
        server.latchkey().users().setEmailVerified("erin", true);
        identity("erin-at-idp", Map.of("email", "erin@example.com", "email_verified", true));
        var linked = signInThroughBrowser();
        assertThat(JSON.readTree(linked.get("/api/me").body()).get("username").asText())
                .isEqualTo("erin");

        // A local email nobody verified (an import, the command line) is never joined by a provider's word alone.
        server.latchkey()
                .users()
                .create(new NewUser("olga", "olga@example.com", false, false), Optional.of(TestServer.PASSWORD));
        identity("olga-at-idp", Map.of("email", "olga@example.com", "email_verified", true));
        var notOlga = JSON.readTree(signInThroughBrowser().get("/api/me").body());
        assertThat(notOlga.get("username").asText()).isNotEqualTo("olga");
        assertThat(notOlga.get("email_verified").asBoolean())
                .as("the provider vouched for it")
                .isTrue();

        // Nor a staff account, verified or not.
        server.latchkey()
                .users()
                .create(new NewUser("root", "root@example.com", true, true), Optional.of(TestServer.PASSWORD));
        server.latchkey().users().setEmailVerified("root", true);
        identity("root-at-idp", Map.of("email", "root@example.com", "email_verified", true));
        assertThat(JSON.readTree(signInThroughBrowser().get("/api/me").body())
                        .get("username")
                        .asText())
                .isNotEqualTo("root");

        server.latchkey()
                .users()
                .create(new NewUser("frank", "frank@example.com", false, false), Optional.of(TestServer.PASSWORD));
        identity("mallory-at-idp", Map.of("email", "frank@example.com", "email_verified", false));
        var other = signInThroughBrowser();
        var me = JSON.readTree(other.get("/api/me").body());
        assertThat(me.get("username").asText()).isNotEqualTo("frank").startsWith("frank-");
        assertThat(me.get("email").asText())
                .as("an unverified email is not kept")
                .isEmpty();
    }

    @Test
    void badStatesProviderErrorsUnknownProvidersAndADeadProviderAreClearPages() {
        var browser = server.client();
        browser.get("/login/myidp");
        assertPage(browser.get("/login/myidp/callback?code=abc&state=forged"), 400, "no longer valid");
        assertPage(browser.get("/login/myidp/callback?code=abc"), 400, "no longer valid");
        assertPage(server.client().get("/login/myidp/callback?code=abc&state=x"), 400, "no longer valid");
        assertPage(browser.get("/login/myidp/callback?error=access_denied&state=x"), 401, "access_denied");
        assertPage(browser.get("/login/nope"), 404, "no sign-in provider named nope");
        assertPage(browser.get("/login/downidp"), 502, "could not be reached");
        assertThat(server.latchkey()
                        .meters()
                        .counter("latchkey.social.failures", "provider", "downidp")
                        .count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void theSignInPageOffersEachProviderAndTheAccountPageLinksAndUnlinks() throws Exception {
        assertThat(server.client().get("/login?next=/account").body())
                .contains("href=\"/login/myidp?next=%2Faccount\"")
                .contains("Sign in with myidp");

        identity("hal-at-idp", Map.of("email", "hal@idp.example", "email_verified", true));
        var browser = signInThroughBrowser();
        var account = browser.get("/account").body();
        assertThat(account).contains("myidp").contains("data-unlink=\"myidp\"").contains("data-link=\"downidp\"");
        var csrf = java.util.regex.Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"")
                .matcher(account);
        assertThat(csrf.find()).isTrue();
        var id = java.util.regex.Pattern.compile("name=\"unlink\" value=\"(\\d+)\"")
                .matcher(account);
        assertThat(id.find()).isTrue();
        var refused = browser.postForm("/account/social", Map.of("csrf_token", csrf.group(1), "unlink", id.group(1)));
        assertPage(refused, 400, "only way to sign in");
        assertThat(browser.postForm("/account/social", Map.of("unlink", id.group(1)))
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        // Not a number: 400. A number that is none of this user's accounts: nothing happens, back to the account.
        for (var garbage : Map.of("abc", 400, "", 400, "99999999999999999999", 400, "-1", 303)
                .entrySet()) {
            var response = browser.postForm(
                    "/account/social", Map.of("csrf_token", csrf.group(1), "unlink", garbage.getKey()));
            assertThat(response.statusCode()).as(garbage.getKey()).isEqualTo(garbage.getValue());
            assertThat(response.body()).doesNotContain("Exception");
        }
        assertThat(server.latchkey()
                        .socialLogin()
                        .accounts()
                        .forUser(JSON.readTree(browser.get("/api/me").body())
                                .get("id")
                                .asLong()))
                .as("garbage unlinks nothing")
                .hasSize(1);

        // A signed-in user who goes through a provider links it instead of signing in as someone else.
        var ivy = server.client();
        server.latchkey().users().create(new NewUser("ivy", "", false, false), Optional.of(TestServer.PASSWORD));
        var signedIn =
                ivy.postJson("/api/session", "{\"username\":\"ivy\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(signedIn.statusCode()).isEqualTo(200);
        // Going to a provider's sign-in while signed in links nothing: a link someone sent must not tie their identity
        // to this account. Linking is a form on the account page, with the CSRF token.
        assertThat(ivy.get("/login/myidp?next=/account").headers().firstValue("location"))
                .hasValue("/account");
        assertThat(ivy.postForm("/account/social/link", Map.of("provider", "myidp"))
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        identity("ivy-at-idp", Map.of());
        var login = ivy.postForm(
                "/account/social/link", Map.of("csrf_token", ivy.cookies.get("__Host-lk_csrf"), "provider", "myidp"));
        assertThat(login.statusCode()).isEqualTo(302);
        var back = follow(URI.create(login.headers().firstValue("location").orElseThrow()));
        // The callback links only for the user who asked: another browser with the same pending cookie gets nothing.
        var thief = server.client();
        thief.cookies.put("__Host-lk_social", ivy.cookies.get("__Host-lk_social"));
        assertThat(thief.get(back.getRawPath() + "?" + back.getRawQuery()).statusCode())
                .isEqualTo(400);
        // The thief's try spent the state (fail closed): ivy starts again.
        assertThat(ivy.get(back.getRawPath() + "?" + back.getRawQuery()).statusCode())
                .isEqualTo(400);
        login = ivy.postForm(
                "/account/social/link", Map.of("csrf_token", ivy.cookies.get("__Host-lk_csrf"), "provider", "myidp"));
        back = follow(URI.create(login.headers().firstValue("location").orElseThrow()));
        assertThat(ivy.get(back.getRawPath() + "?" + back.getRawQuery())
                        .headers()
                        .firstValue("location"))
                .hasValue("/account");
        var ivyId = server.latchkey().users().find("ivy").orElseThrow().id();
        assertThat(server.latchkey().socialLogin().accounts().forUser(ivyId))
                .singleElement()
                .satisfies(a -> assertThat(a.subject()).isEqualTo("ivy-at-idp"));
        var unlinked = ivy.postForm(
                "/account/social",
                Map.of(
                        "csrf_token",
                        ivy.cookies.get("__Host-lk_csrf"),
                        "unlink",
                        Long.toString(server.latchkey()
                                .socialLogin()
                                .accounts()
                                .forUser(ivyId)
                                .get(0)
                                .id())));
        assertThat(unlinked.statusCode())
                .as("ivy has a password: she may unlink")
                .isEqualTo(303);
        assertThat(server.latchkey().socialLogin().accounts().forUser(ivyId)).isEmpty();
    }

    @Test
    void anAppExchangesItsCodeForAJwtPairOnlyWithAnAllowedRedirect() throws Exception {
        identity("gina-at-idp", Map.of("email", "gina@idp.example", "email_verified", true));
        var verifier = "app-verifier-" + "x".repeat(40);
        var code = appCode(APP_REDIRECT, verifier);
        var client = server.client();
        var pair = client.postJson(
                "/api/social/myidp",
                JSON.writeValueAsString(Map.of("code", code, "redirect_uri", APP_REDIRECT, "code_verifier", verifier)));
        assertThat(pair.statusCode()).as(pair.body()).isEqualTo(200);
        var access = JSON.readTree(pair.body()).get("access").asText();
        var me = server.client().get("/api/me", "Authorization", "Bearer " + access);
        assertThat(JSON.readTree(me.body()).get("username").asText()).isEqualTo("gina");

        var replayed = client.postJson(
                "/api/social/myidp",
                JSON.writeValueAsString(Map.of("code", code, "redirect_uri", APP_REDIRECT, "code_verifier", verifier)));
        assertThat(replayed.statusCode())
                .as("a code is good once, whatever the provider does")
                .isEqualTo(401);

        identity("gina-at-idp", Map.of());
        var wrongVerifier = appCode(APP_REDIRECT, verifier);
        var refused = client.postJson(
                "/api/social/myidp",
                JSON.writeValueAsString(Map.of(
                        "code",
                        wrongVerifier,
                        "redirect_uri",
                        APP_REDIRECT,
                        "code_verifier",
                        "another-verifier-" + "y".repeat(40))));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);

        var offList = client.postJson(
                "/api/social/myidp",
                JSON.writeValueAsString(
                        Map.of("code", "c", "redirect_uri", "https://evil.example/cb", "code_verifier", verifier)));
        assertThat(offList.statusCode()).isEqualTo(400);
        assertThat(offList.body()).contains("redirect_uri_not_allowed");
        assertThat(client.postJson("/api/social/nope", "{}").statusCode()).isEqualTo(404);
        assertThat(client.postJson("/api/social/myidp", "{\"code\":1}").statusCode())
                .isEqualTo(400);
        assertThat(client.postJson(
                                "/api/social/downidp",
                                JSON.writeValueAsString(
                                        Map.of("code", "c", "redirect_uri", APP_REDIRECT, "code_verifier", verifier)))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aSocialSignInOfAUserWithAFactorAsksForItUnlessTheProviderIsTrusted() throws Exception {
        identity("mona-at-idp", Map.of("email", "mona@idp.example", "email_verified", true));
        var first = signInThroughBrowser();
        var mona = server.latchkey()
                .users()
                .findById(JSON.readTree(first.get("/api/me").body()).get("id").asLong())
                .orElseThrow();
        var secret = server.latchkey().totp().begin(mona).secret();
        var key = dev.latchkey.server.web.TestCodes.base32(secret);
        var now = dev.latchkey.mfa.Totp.step(java.time.Instant.now());
        server.latchkey().totp().confirm(mona, dev.latchkey.mfa.Totp.text(key, now - 1, 6));

        identity("mona-at-idp", Map.of("email", "mona@idp.example", "email_verified", true));
        var browser = server.client();
        var login = browser.get("/login/myidp?next=/account");
        var callback = follow(URI.create(login.headers().firstValue("location").orElseThrow()));
        var second = browser.get(callback.getRawPath() + "?" + callback.getRawQuery());
        assertPage(second, 200, "name=\"code\"");
        assertThat(browser.cookies).doesNotContainKey("__Host-lk_session");
        var done = browser.postForm(
                "/login/mfa",
                Map.of(
                        "csrf_token", dev.latchkey.server.web.TestCodes.hidden(second.body(), "csrf_token"),
                        "mfa_token", dev.latchkey.server.web.TestCodes.hidden(second.body(), "mfa_token"),
                        "code", dev.latchkey.mfa.Totp.text(key, dev.latchkey.mfa.Totp.step(java.time.Instant.now()), 6),
                        "next", "/account"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("location")).hasValue("/account");
        assertThat(JSON.readTree(browser.get("/api/me").body()).get("amr").toString())
                .isEqualTo("[\"fed\",\"otp\",\"mfa\"]");

        server.latchkey().twoStep().settings(new dev.latchkey.mfa.MfaSettings(dev.latchkey.mfa.MfaPolicy.NONE, true));
        try {
            identity("mona-at-idp", Map.of("email", "mona@idp.example", "email_verified", true));
            var trusted = signInThroughBrowser();
            assertThat(JSON.readTree(trusted.get("/api/me").body()).get("amr").toString())
                    .isEqualTo("[\"fed\"]");
        } finally {
            server.latchkey().twoStep().settings(dev.latchkey.mfa.MfaSettings.DEFAULT);
        }
    }

    private static TestClient signInThroughBrowser() throws Exception {
        var browser = server.client();
        var login = browser.get("/login/myidp");
        var callback = follow(URI.create(login.headers().firstValue("location").orElseThrow()));
        var done = browser.get(callback.getRawPath() + "?" + callback.getRawQuery());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        return browser;
    }

    /** The provider's authorize endpoint answers the redirect back to the client at once (no login form). */
    private static URI follow(URI authorize) throws Exception {
        var response = IDP.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return URI.create(response.headers().firstValue("location").orElseThrow());
    }

    private static String appCode(String redirect, String verifier) throws Exception {
        var challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        var authorize = URI.create(idp.authorizationEndpointUrl("default") + "?response_type=code&client_id=" + CLIENT
                + "&scope=openid&state=s&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        var back = follow(authorize).toString();
        var query = back.substring(back.indexOf('?') + 1);
        for (var part : query.split("&", -1)) {
            if (part.startsWith("code=")) {
                return java.net.URLDecoder.decode(part.substring(5), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no code in " + back);
    }

    private static void identity(String subject, Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of(CLIENT), claims, 3600));
    }

    private static void assertPage(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).contains("text/html"));
        assertThat(response.body()).contains(text).doesNotContain("Exception");
    }

    private static int closedPort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
