package dev.latchkey.server.web.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.provider.IssuedClient;
import dev.latchkey.provider.NewClient;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.testing.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * latchkey as an OpenID Provider over real HTTPS, driven as a relying party and a browser would drive it: the code
 * flow with PKCE and consent, every token endpoint grant, userinfo, introspection, revocation and RP-initiated
 * logout — and the attacks the field's record names: code reuse (raced, too), redirect URI tricks, a consent POST
 * that changes the request, forged and foreign tokens.
 */
class ProviderFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CB = "https://app.example.com/cb";

    @TempDir
    static Path dir;

    static MutableClock clock;
    static TestServer server;
    static String issuer;
    static IssuedClient app;
    static IssuedClient spa;
    static IssuedClient trusted;

    @BeforeAll
    static void start() throws Exception {
        clock = new MutableClock(Instant.now());
        server = TestServer.withPublicUrl(dir, clock);
        issuer = server.base().toString().replaceAll("/$", "");
        var clients = server.latchkey().clients();
        app = clients.create(
                NewClient.confidential("Grafana", CB).withPostLogoutRedirectUris("https://app.example.com/bye"),
                RequestContext.NONE);
        spa = clients.create(NewClient.publicClient("Notes SPA", "http://127.0.0.1/callback"), RequestContext.NONE);
        trusted = clients.create(
                NewClient.confidential("Intranet", "https://intranet.example.com/cb")
                        .asFirstParty(),
                RequestContext.NONE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static TestClient signedInBrowser() {
        var browser = server.client();
        browser.signIn();
        return browser;
    }

    /** Signs a browser in and takes one code for app through the consent page. */
    private static Map<String, String> codeFor(TestClient browser, Map<String, String> request) {
        var first = browser.get(Rp.authorizeUrl(request));
        HttpResponse<String> back = first;
        if (first.statusCode() == 200) {
            back = Rp.decide(browser, first, "allow");
        }
        assertThat(back.statusCode()).as(back.body()).isIn(302, 303);
        var location = Rp.location(back);
        assertThat(location).startsWith(request.get("redirect_uri") + "?");
        return Rp.queryOf(location);
    }

    private static HttpResponse<String> token(IssuedClient client, Map<String, String> form) {
        return server.client()
                .postForm(
                        "/oauth/token",
                        form,
                        "Authorization",
                        Rp.basic(client.client().id(), client.secret()));
    }

    private static HttpResponse<String> exchange(IssuedClient client, String code, String verifier) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", client.client().redirectUris().get(0));
        form.put("code_verifier", verifier);
        return token(client, form);
    }

    private static HttpResponse<String> userInfo(String accessToken) {
        return server.client().get("/oauth/userinfo", "Authorization", "Bearer " + accessToken);
    }

    @Test
    void discoveryDescribesTheProviderAtBothWellKnownPaths() throws Exception {
        for (var path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            var response = server.client().get(path);
            assertThat(response.statusCode()).isEqualTo(200);
            var doc = json(response);
            assertThat(doc.get("issuer").asText()).isEqualTo(issuer);
            assertThat(doc.get("authorization_endpoint").asText()).isEqualTo(issuer + "/oauth/authorize");
            assertThat(doc.get("token_endpoint").asText()).isEqualTo(issuer + "/oauth/token");
            assertThat(doc.get("jwks_uri").asText()).isEqualTo(issuer + "/.well-known/jwks.json");
            assertThat(doc.get("end_session_endpoint").asText()).isEqualTo(issuer + "/oauth/logout");
            assertThat(doc.get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
            assertThat(doc.get("response_types_supported").toString()).isEqualTo("[\"code\"]");
            assertThat(doc.get("authorization_response_iss_parameter_supported").asBoolean())
                    .isTrue();
            assertThat(doc.get("backchannel_logout_supported").asBoolean()).isTrue();
        }
    }

    @Test
    void theCodeFlowGivesVerifiableTokensAndUserInfo() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("flow");
        var request = Rp.request(app.client().id(), CB, "openid profile email", verifier);
        var page = browser.get(Rp.authorizeUrl(request));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Grafana").contains("app.example.com").contains("Your email address");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("frame-ancestors 'none'");
        var back = Rp.decide(browser, page, "allow");
        assertThat(back.statusCode()).isEqualTo(303);
        var answer = Rp.queryOf(Rp.location(back));
        assertThat(answer).containsEntry("state", request.get("state")).containsEntry("iss", issuer);

        var response = exchange(app, answer.get("code"), verifier);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        var tokens = json(response);
        assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.has("refresh_token"))
                .as("no offline_access, no refresh token")
                .isFalse();
        var jwks = server.client().get("/.well-known/jwks.json").body();
        var id = Rp.verify(
                tokens.get("id_token").asText(), jwks, issuer, app.client().id());
        var algorithm = com.nimbusds.jwt.SignedJWT.parse(tokens.get("id_token").asText())
                .getHeader()
                .getAlgorithm()
                .getName();
        assertThat(id.getStringClaim("nonce")).isEqualTo(request.get("nonce"));
        assertThat(id.getStringClaim("at_hash"))
                .isEqualTo(Rp.atHash(tokens.get("access_token").asText(), algorithm));
        assertThat(id.getSubject()).isNotEqualTo("alice").doesNotMatch("[0-9]+");
        assertThat(id.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(id.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(id.getClaim("auth_time")).isNotNull();
        assertThat(id.getStringListClaim("amr")).contains("pwd");
        assertThat(id.getStringClaim("acr")).isEqualTo("1fa");
        assertThat(id.getStringClaim("sid")).isNotBlank();

        var access = com.nimbusds.jwt.SignedJWT.parse(tokens.get("access_token").asText());
        assertThat(access.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(access.getJWTClaimsSet().getStringClaim("client_id"))
                .isEqualTo(app.client().id());
        assertThat(access.getJWTClaimsSet().getAudience())
                .containsExactly(app.client().id());

        var info = userInfo(tokens.get("access_token").asText());
        assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
        assertThat(json(info).get("sub").asText()).isEqualTo(id.getSubject());
        assertThat(json(info).get("email").asText()).isEqualTo("alice@example.com");
        // An app's token is for the app: latchkey's own API does not take it.
        var me = server.client()
                .get(
                        "/api/me",
                        "Authorization",
                        "Bearer " + tokens.get("access_token").asText());
        assertThat(me.statusCode()).isEqualTo(401);

        var alice = server.latchkey().users().find("alice").orElseThrow().id();
        assertThat(server.latchkey().audit().findRecentByUser(alice, "oidc_authorized", 5))
                .anySatisfy(e -> assertThat(e.reason()).isEqualTo(app.client().id()));
        assertThat(server.latchkey().audit().findRecentByUser(alice, "oidc_consent_granted", 5))
                .isNotEmpty();

        // Consent is remembered: the next request for the same scopes goes straight back with a code.
        var again =
                browser.get(Rp.authorizeUrl(Rp.request(app.client().id(), CB, "openid email", Rp.verifier("again"))));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(Rp.queryOf(Rp.location(again))).containsKey("code");
        // A wider scope asks again.
        var wider =
                browser.get(Rp.authorizeUrl(Rp.request(app.client().id(), CB, "openid groups", Rp.verifier("wider"))));
        assertThat(wider.statusCode()).isEqualTo(200);
    }

    @Test
    void aCodeUsedTwiceFailsAndRevokesWhatItsFirstUseIssued() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("reuse");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid offline_access", verifier))
                .get("code");
        var first = json(exchange(app, code, verifier));
        var access = first.get("access_token").asText();
        var refresh = first.get("refresh_token").asText();
        assertThat(userInfo(access).statusCode()).isEqualTo(200);

        var second = exchange(app, code, verifier);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(json(second).get("error").asText()).isEqualTo("invalid_grant");
        assertThat(userInfo(access).statusCode()).isEqualTo(401);
        var refreshed = token(app, Map.of("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(json(refreshed).get("error").asText()).isEqualTo("invalid_grant");
        var introspected = server.client()
                .postForm(
                        "/oauth/introspect",
                        Map.of("token", access),
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(json(introspected).get("active").asBoolean()).isFalse();
    }

    @Test
    void aCodeRacedFromEightConnectionsWorksOnceAndThenNotAtAll() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("race");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid offline_access", verifier))
                .get("code");
        var pool = Executors.newFixedThreadPool(8);
        var start = new CountDownLatch(1);
        var answers = new ArrayList<Future<HttpResponse<String>>>();
        for (int i = 0; i < 8; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return exchange(app, code, verifier);
            }));
        }
        start.countDown();
        var granted = new ArrayList<JsonNode>();
        for (var answer : answers) {
            var response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isIn(200, 400);
            if (response.statusCode() == 200) {
                granted.add(json(response));
            } else {
                assertThat(json(response).get("error").asText()).isEqualTo("invalid_grant");
            }
        }
        pool.shutdown();
        // At most one: a reuse may revoke the first use's family before that use has finished, and then none wins.
        assertThat(granted).hasSizeLessThanOrEqualTo(1);
        // The others were reuses: what a success issued is revoked too.
        for (var tokens : granted) {
            assertThat(userInfo(tokens.get("access_token").asText()).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void refreshTokensRotateAreBoundToTheirClientAndAReuseEndsTheFamily() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("refresh");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid offline_access", verifier))
                .get("code");
        var first = json(exchange(app, code, verifier));
        var refresh = first.get("refresh_token").asText();
        // Another client presenting it gets nothing.
        var stolen = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh),
                        "Authorization",
                        Rp.basic(trusted.client().id(), trusted.secret()));
        assertThat(json(stolen).get("error").asText()).isEqualTo("invalid_grant");
        var rotated = token(app, Map.of("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        var next = json(rotated).get("refresh_token").asText();
        assertThat(next).isNotEqualTo(refresh);
        // A wider scope than granted is refused.
        var widened = token(app, Map.of("grant_type", "refresh_token", "refresh_token", next, "scope", "openid email"));
        assertThat(json(widened).get("error").asText()).isEqualTo("invalid_scope");
        // The old one again: reuse, and the family ends.
        var reused = token(app, Map.of("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(json(reused).get("error").asText()).isEqualTo("invalid_grant");
        var afterReuse = token(app, Map.of("grant_type", "refresh_token", "refresh_token", next));
        assertThat(json(afterReuse).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void aPublicClientUsesPkceAloneOnALoopbackRedirectWithAnyPort() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("native");
        var redirect = "http://127.0.0.1:53121/callback";
        var request = Rp.request(spa.client().id(), redirect, "openid", verifier);
        var answer = codeFor(browser, request);
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "authorization_code");
        form.put("client_id", spa.client().id());
        form.put("code", answer.get("code"));
        form.put("redirect_uri", redirect);
        form.put("code_verifier", Rp.verifier("wrong"));
        var wrong = server.client().postForm("/oauth/token", form);
        assertThat(json(wrong).get("error").asText()).isEqualTo("invalid_grant");
        form.put("code_verifier", verifier);
        var right = server.client().postForm("/oauth/token", form);
        assertThat(right.statusCode())
                .as("a wrong verifier does not burn the code: " + right.body())
                .isEqualTo(200);
        // A public client cannot introspect; a secret it does not have is no way in either.
        var introspect = server.client()
                .postForm(
                        "/oauth/introspect",
                        Map.of(
                                "client_id",
                                spa.client().id(),
                                "token",
                                json(right).get("access_token").asText()));
        assertThat(introspect.statusCode()).isEqualTo(401);
        assertThat(json(introspect).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void aFirstPartyClientSkipsConsentAndFormPostAnswersWithAPageThatOnlyPostsThere() throws Exception {
        var browser = signedInBrowser();
        var request = Rp.request(trusted.client().id(), "https://intranet.example.com/cb", "openid", Rp.verifier("fp"));
        request.put("response_mode", "form_post");
        var page = browser.get(Rp.authorizeUrl(request));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("action=\"https://intranet.example.com/cb\"");
        var fields = Rp.hiddenFields(page.body());
        assertThat(fields).containsKeys("code", "state", "iss").containsEntry("state", request.get("state"));
        var csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("form-action https://intranet.example.com;").contains("script-src 'sha256-");
        assertThat(csp).doesNotContain("unsafe-inline");
    }

    @Test
    void notSignedInGoesToSignInAndComesBackAndPromptNoneSaysLoginRequired() throws Exception {
        var anonymous = server.client();
        var request = Rp.request(app.client().id(), CB, "openid", Rp.verifier("anon"));
        var response = anonymous.get(Rp.authorizeUrl(request));
        assertThat(response.statusCode()).isEqualTo(303);
        var location = Rp.location(response);
        assertThat(location).startsWith("/login?next=");
        var next = Rp.queryOf("https://x" + location).get("next");
        assertThat(next).startsWith("/oauth/authorize?");
        assertThat(Rp.queryOf("https://x" + next)).containsAllEntriesOf(request);

        request.put("prompt", "none");
        var silent = anonymous.get(Rp.authorizeUrl(request));
        assertThat(silent.statusCode()).isEqualTo(302);
        assertThat(Rp.queryOf(Rp.location(silent)))
                .containsEntry("error", "login_required")
                .containsEntry("state", request.get("state"))
                .containsEntry("iss", issuer);
    }

    @Test
    void promptLoginAndMaxAgeSendABrowserToSignInAgainOnce() throws Exception {
        var browser = signedInBrowser();
        var request = Rp.request(trusted.client().id(), "https://intranet.example.com/cb", "openid", Rp.verifier("pl"));
        request.put("prompt", "login");
        clock.advance(Duration.ofSeconds(2));
        var response = browser.get(Rp.authorizeUrl(request));
        assertThat(response.statusCode()).isEqualTo(303);
        var next = Rp.queryOf("https://x" + Rp.location(response)).get("next");
        assertThat(Rp.location(response)).startsWith("/reauth?next=");
        assertThat(Rp.queryOf("https://x" + next)).doesNotContainKey("prompt").containsKey("login_after");
        // Coming back without a new sign-in is refused again; after one it goes through.
        assertThat(browser.get(next).statusCode()).isEqualTo(303);
        var csrf = browser.cookies.get("__Host-lk_csrf");
        var reauth =
                browser.postForm("/reauth", Map.of("csrf_token", csrf, "password", TestServer.PASSWORD, "next", next));
        assertThat(reauth.statusCode()).as(reauth.body()).isEqualTo(303);
        assertThat(Rp.location(reauth)).isEqualTo(next);
        var done = browser.get(next);
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(Rp.queryOf(Rp.location(done))).containsKey("code");

        var old = Rp.request(trusted.client().id(), "https://intranet.example.com/cb", "openid", Rp.verifier("ma"));
        clock.advance(Duration.ofMinutes(5));
        old.put("max_age", "60");
        assertThat(Rp.location(browser.get(Rp.authorizeUrl(old)))).startsWith("/reauth?next=");
        old.put("prompt", "none");
        assertThat(Rp.queryOf(Rp.location(browser.get(Rp.authorizeUrl(old))))).containsEntry("error", "login_required");
    }

    @Test
    void anUnknownClientOrAnUnregisteredRedirectGetsAPageNeverARedirect() {
        var browser = signedInBrowser();
        var tricks = List.of(
                CB + "/",
                CB + "?x=1",
                CB + "#f",
                "https://APP.example.com/cb",
                "https://app.example.com:443/cb",
                CB + "/..;/",
                "https://app.example.com/cb/../cb",
                "https://app.example.com/%2e%2e/cb",
                "https://app.example.com%25@evil.example/cb",
                "https://app.example.com@evil.example/cb",
                "https://evil.example/cb",
                CB + "%00",
                CB + " ",
                "http://app.example.com/cb");
        for (var redirect : tricks) {
            var request = Rp.request(app.client().id(), redirect, "openid", Rp.verifier("trick"));
            var response = browser.get(Rp.authorizeUrl(request));
            assertThat(response.statusCode()).as(redirect).isEqualTo(400);
            assertThat(response.headers().firstValue("location")).as(redirect).isEmpty();
            assertThat(response.headers().firstValue("content-type").orElseThrow())
                    .startsWith("text/html");
        }
        var unknown = Rp.request("lkc_nobody", CB, "openid", Rp.verifier("unknown"));
        assertThat(browser.get(Rp.authorizeUrl(unknown)).statusCode()).isEqualTo(400);
        // The client and redirect are judged before anything else: a broken request with a bad redirect is a page.
        var both = Rp.request(app.client().id(), "https://evil.example/cb", "openid", Rp.verifier("both"));
        both.remove("code_challenge");
        assertThat(browser.get(Rp.authorizeUrl(both)).statusCode()).isEqualTo(400);
        // A repeated parameter is refused, never resolved one way or the other.
        var repeated = Rp.authorizeUrl(Rp.request(app.client().id(), CB, "openid", Rp.verifier("rep")))
                + "&redirect_uri="
                + java.net.URLEncoder.encode("https://evil.example/cb", java.nio.charset.StandardCharsets.UTF_8);
        var response = browser.get(repeated);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("location")).isEmpty();
    }

    @Test
    void laterErrorsGoBackToTheClientWithStateAndIss() {
        var browser = signedInBrowser();
        var noPkce = Rp.request(app.client().id(), CB, "openid", Rp.verifier("np"));
        noPkce.remove("code_challenge");
        var plain = Rp.request(app.client().id(), CB, "openid", Rp.verifier("pp"));
        plain.put("code_challenge_method", "plain");
        var token = Rp.request(app.client().id(), CB, "openid", Rp.verifier("rt"));
        token.put("response_type", "token");
        for (var request : List.of(noPkce, plain, token)) {
            var response = browser.get(Rp.authorizeUrl(request));
            assertThat(response.statusCode()).isEqualTo(302);
            var answer = Rp.queryOf(Rp.location(response));
            assertThat(Rp.location(response)).startsWith(CB + "?");
            assertThat(answer)
                    .containsKey("error")
                    .containsEntry("state", request.get("state"))
                    .containsEntry("iss", issuer);
            assertThat(answer).doesNotContainKey("code");
        }
    }

    @Test
    void theConsentPostIsCheckedAgainInFullAndDenyAnswersAccessDenied() throws Exception {
        var browser = signedInBrowser();
        var request = Rp.request(app.client().id(), CB, "openid groups profile", Rp.verifier("consent"));
        var page = browser.get(Rp.authorizeUrl(request));
        assertThat(page.statusCode()).isEqualTo(200);
        // The same form with the redirect URI swapped: refused as the GET would have been.
        var forged = new LinkedHashMap<>(Rp.hiddenFields(page.body()));
        forged.put("redirect_uri", "https://evil.example/cb");
        forged.put("decision", "allow");
        var swapped = browser.postForm("/oauth/authorize/consent", forged);
        assertThat(swapped.statusCode()).isEqualTo(400);
        assertThat(swapped.headers().firstValue("location")).isEmpty();
        // Without the CSRF token it is refused before anything.
        var noCsrf = new LinkedHashMap<>(Rp.hiddenFields(page.body()));
        noCsrf.remove("csrf_token");
        noCsrf.put("decision", "allow");
        assertThat(browser.postForm("/oauth/authorize/consent", noCsrf).statusCode())
                .isEqualTo(403);
        // Another site's page cannot post it for the user.
        var crossSite = new LinkedHashMap<>(Rp.hiddenFields(page.body()));
        crossSite.put("decision", "allow");
        assertThat(browser.postForm("/oauth/authorize/consent", crossSite, "Origin", "https://evil.example")
                        .statusCode())
                .isEqualTo(403);
        var denied = Rp.decide(browser, page, "deny");
        assertThat(denied.statusCode()).isEqualTo(303);
        assertThat(Rp.queryOf(Rp.location(denied)))
                .containsEntry("error", "access_denied")
                .containsEntry("state", request.get("state"));
        var odd = Rp.decide(browser, page, "maybe");
        assertThat(odd.statusCode()).isEqualTo(400);
    }

    @Test
    void theTokenEndpointRefusesBadClientsAndBadRequestsWithOAuthErrors() throws Exception {
        var wrongSecret = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of("grant_type", "client_credentials"),
                        "Authorization",
                        Rp.basic(app.client().id(), "lkcs_wrong"));
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(json(wrongSecret).get("error").asText()).isEqualTo("invalid_client");
        assertThat(wrongSecret.headers().firstValue("www-authenticate").orElseThrow())
                .startsWith("Basic");
        var unknown = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of("grant_type", "client_credentials", "client_id", "lkc_x", "client_secret", "y"));
        assertThat(json(unknown).get("error").asText()).isEqualTo("invalid_client");
        assertThat(json(unknown).get("error_description").asText())
                .isEqualTo(json(wrongSecret).get("error_description").asText());
        var twoWays = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                app.client().id(),
                                "client_secret",
                                app.secret()),
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(json(twoWays).get("error").asText()).isEqualTo("invalid_request");
        var malformedBasic = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of("grant_type", "client_credentials"),
                        "Authorization",
                        "Basic !!!not-base64");
        assertThat(json(malformedBasic).get("error").asText()).isEqualTo("invalid_client");
        var noGrant = token(app, Map.of());
        assertThat(json(noGrant).get("error").asText()).isEqualTo("invalid_request");
        var oddGrant = token(app, Map.of("grant_type", "password"));
        assertThat(json(oddGrant).get("error").asText()).isEqualTo("unsupported_grant_type");
        var notRegistered = token(app, Map.of("grant_type", "client_credentials"));
        assertThat(json(notRegistered).get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(server.latchkey()
                        .meters()
                        .counter(
                                "latchkey.oidc.token_errors",
                                "grant_type",
                                "client_credentials",
                                "error",
                                "unauthorized_client")
                        .count())
                .isGreaterThanOrEqualTo(1);
        var forgedCode = token(
                app,
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        "lkac_" + "A".repeat(80),
                        "redirect_uri",
                        CB,
                        "code_verifier",
                        Rp.verifier("f")));
        assertThat(json(forgedCode).get("error").asText()).isEqualTo("invalid_grant");
        var repeated = server.client()
                .send(server.client()
                        .builder(
                                "/oauth/token",
                                "Authorization",
                                Rp.basic(app.client().id(), app.secret()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "grant_type=refresh_token&refresh_token=a&refresh_token=b")));
        assertThat(json(repeated).get("error").asText()).isEqualTo("invalid_request");
        var asJson = server.client()
                .postJson(
                        "/oauth/token",
                        "{\"grant_type\":\"client_credentials\"}",
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(asJson.statusCode()).isEqualTo(415);
        var huge = token(app, Map.of("grant_type", "refresh_token", "refresh_token", "x".repeat(60_000)));
        assertThat(json(huge).get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void clientCredentialsGivesAClientItsOwnTokenThatIntrospectsAndRevokes() throws Exception {
        var machine = server.latchkey()
                .clients()
                .create(
                        NewClient.confidential("Billing job").withGrantTypes("client_credentials"),
                        RequestContext.NONE);
        var response = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of("grant_type", "client_credentials"),
                        "Authorization",
                        Rp.basic(machine.client().id(), machine.secret()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var access = json(response).get("access_token").asText();
        var introspected = server.client()
                .postForm(
                        "/oauth/introspect",
                        Map.of("token", access),
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(json(introspected).get("active").asBoolean()).isTrue();
        assertThat(json(introspected).get("client_id").asText())
                .isEqualTo(machine.client().id());
        // No user's token: userinfo has nothing to say.
        assertThat(userInfo(access).statusCode()).isEqualTo(403);
    }

    @Test
    void revocationEndsAFamilyOfTheCallersAndSaysNothingOfOthers() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("revoke");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid offline_access", verifier))
                .get("code");
        var tokens = json(exchange(app, code, verifier));
        var byOther = server.client()
                .postForm(
                        "/oauth/revoke",
                        Map.of("token", tokens.get("refresh_token").asText()),
                        "Authorization",
                        Rp.basic(trusted.client().id(), trusted.secret()));
        assertThat(byOther.statusCode()).isEqualTo(200);
        assertThat(userInfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(200);
        var byOwner = server.client()
                .postForm(
                        "/oauth/revoke",
                        Map.of("token", tokens.get("refresh_token").asText()),
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(byOwner.statusCode()).isEqualTo(200);
        assertThat(userInfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(401);
        var nothing = server.client()
                .postForm(
                        "/oauth/revoke",
                        Map.of(),
                        "Authorization",
                        Rp.basic(app.client().id(), app.secret()));
        assertThat(json(nothing).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void userInfoRefusesWhatIsNotALiveTokenOfThisProvider() throws Exception {
        var latchkeyOwn = server.client()
                .postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        var own = json(latchkeyOwn).get("access").asText();
        for (var token : List.of(own, "x", "a.b.c", own.substring(0, own.length() - 3), "")) {
            var response = userInfo(token);
            assertThat(response.statusCode()).as(token).isEqualTo(401);
            assertThat(response.headers().firstValue("www-authenticate").orElseThrow())
                    .contains("invalid_token");
        }
        assertThat(server.client().get("/oauth/userinfo").statusCode()).isEqualTo(401);
        assertThat(server.client()
                        .get("/oauth/userinfo", "Authorization", "Basic eDp5")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void rpInitiatedLogoutConfirmsThenSignsOutAndGoesBackOnlyToARegisteredUri() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("logout");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid", verifier))
                .get("code");
        var idToken = json(exchange(app, code, verifier)).get("id_token").asText();
        var params = new LinkedHashMap<String, String>();
        params.put("id_token_hint", idToken);
        params.put("post_logout_redirect_uri", "https://app.example.com/bye");
        params.put("state", "s1");
        var page = browser.get("/oauth/logout?" + Rp.query(params));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Grafana");
        assertThat(browser.get("/api/me").statusCode())
                .as("asking signs nobody out")
                .isEqualTo(200);
        var confirmed = browser.postForm("/oauth/logout/confirm", Rp.hiddenFields(page.body()));
        assertThat(confirmed.statusCode()).isEqualTo(303);
        assertThat(Rp.location(confirmed)).isEqualTo("https://app.example.com/bye?state=s1");
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);

        var elsewhere = new LinkedHashMap<>(params);
        elsewhere.put("post_logout_redirect_uri", "https://evil.example/bye");
        var refused = server.client().get("/oauth/logout?" + Rp.query(elsewhere));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("location")).isEmpty();
        var noClient =
                server.client().get("/oauth/logout?post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2Fbye");
        assertThat(noClient.statusCode()).isEqualTo(400);
        var forgedHint = server.client()
                .get("/oauth/logout?id_token_hint=" + idToken.substring(0, idToken.length() - 4) + "AAAA");
        assertThat(forgedHint.statusCode()).isEqualTo(400);
    }

    @Test
    void theAccountPageListsAppsAndWithdrawingEndsTheirTokens() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("apps");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid offline_access", verifier))
                .get("code");
        var tokens = json(exchange(app, code, verifier));
        var list = browser.get("/api/account/apps");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(app.client().id()).contains("Grafana");
        var page = browser.get("/account/apps");
        assertThat(page.body()).contains("Grafana");
        var csrf = browser.cookies.get("__Host-lk_csrf");
        var withdrawn =
                browser.send(browser.builder("/api/account/apps/" + app.client().id(), "X-CSRF-Token", csrf)
                        .DELETE());
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
        assertThat(userInfo(tokens.get("access_token").asText()).statusCode()).isEqualTo(401);
        var refresh = token(
                app,
                Map.of(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        tokens.get("refresh_token").asText()));
        assertThat(json(refresh).get("error").asText()).isEqualTo("invalid_grant");
        // The next request asks again.
        assertThat(browser.get(Rp.authorizeUrl(Rp.request(app.client().id(), CB, "openid", Rp.verifier("ask"))))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anSpaOnAnyOriginMayCallTheEndpointsThatReadNoCookieButNeverWithCredentials() throws Exception {
        var origin = "https://notes.example";
        var preflight = server.client()
                .send(server.client()
                        .builder(
                                "/oauth/userinfo",
                                "Origin",
                                origin,
                                "Access-Control-Request-Method",
                                "GET",
                                "Access-Control-Request-Headers",
                                "authorization")
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin"))
                .hasValue("*");
        assertThat(preflight.headers().firstValue("access-control-allow-credentials"))
                .isEmpty();
        var token = server.client()
                .postForm(
                        "/oauth/token",
                        Map.of(
                                "grant_type",
                                "refresh_token",
                                "client_id",
                                spa.client().id(),
                                "refresh_token",
                                "x"),
                        "Origin",
                        origin);
        assertThat(token.statusCode())
                .as("no origin check on the token endpoint: " + token.body())
                .isEqualTo(400);
        assertThat(token.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(token.headers().firstValue("access-control-allow-credentials"))
                .isEmpty();
        // The cookie's API stays closed to that origin.
        var me = server.client()
                .send(server.client()
                        .builder("/api/me", "Origin", origin, "Access-Control-Request-Method", "GET")
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(me.statusCode()).isEqualTo(403);
        assertThat(me.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void aCodeExchangedAfterItsSessionEndedGivesNothingThatOutlivesTheSession() throws Exception {
        var browser = signedInBrowser();
        var verifier = Rp.verifier("ended");
        var code = codeFor(browser, Rp.request(app.client().id(), CB, "openid", verifier))
                .get("code");
        var csrf = browser.cookies.get("__Host-lk_csrf");
        var out = browser.send(
                browser.builder("/api/session", "X-CSRF-Token", csrf).DELETE());
        assertThat(out.statusCode()).as(out.body()).isIn(200, 204);
        var late = exchange(app, code, verifier);
        assertThat(late.statusCode()).isEqualTo(400);
        assertThat(json(late).get("error").asText()).isEqualTo("invalid_grant");
    }
}
