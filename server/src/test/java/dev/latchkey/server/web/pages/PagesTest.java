package dev.latchkey.server.web.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The browser pages over real HTTPS, as a browser without JavaScript uses them. */
class PagesTest extends ServerTest {
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf_token\" value=\"([A-Za-z0-9_-]{43})\"");

    @Test
    void theSignInPageCarriesACsrfTokenAndStrictHeaders() {
        var page = server.client().get("/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/login\">");
        assertThat(csrfField(page)).isNotEmpty();
        assertThat(page.headers().firstValue("content-security-policy"))
                .hasValueSatisfying(csp ->
                        assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'none'"));
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("referrer-policy")).isPresent();
        assertThat(page.headers().firstValue("strict-transport-security")).isPresent();
    }

    @Test
    void signingInThroughTheFormLandsOnNextThenAccountShowsTheSession() {
        var client = server.client();
        var form = client.get("/login?next=/account");
        var response = client.postForm(
                "/login",
                Map.of(
                        "username",
                        "alice",
                        "password",
                        TestServer.PASSWORD,
                        "csrf_token",
                        csrfField(form),
                        "next",
                        "/account"));
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().firstValue("location")).hasValue("/account");

        var account = client.get("/account");
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(account.body())
                .contains("alice")
                .contains("this session")
                .contains("Java-http-client")
                .contains("Recent sign-ins")
                .contains("success");
        var token = csrfField(account);

        var signOut = client.postForm("/logout", Map.of("csrf_token", token));
        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(signOut.headers().firstValue("location")).hasValue("/login");
        assertThat(client.get("/account").headers().firstValue("location")).hasValue("/login?next=/account");
    }

    @Test
    void aWrongPasswordShowsOneGenericMessage() {
        var client = server.client();
        var token = csrfField(client.get("/login"));
        var wrong = client.postForm(
                "/login", Map.of("username", "alice", "password", "wrong password", "csrf_token", token));
        var unknown = client.postForm(
                "/login", Map.of("username", "nobody", "password", "wrong password", "csrf_token", token));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Invalid username or password.");
        assertThat(unknown.body()).contains("Invalid username or password.");
        assertThat(client.cookies).doesNotContainKey("__Host-lk_session");
    }

    @Test
    void formsWithoutTheRightCsrfTokenAreRefused() {
        var client = server.client();
        client.get("/login");
        var missing = client.postForm("/login", Map.of("username", "alice", "password", TestServer.PASSWORD));
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("\"error\":\"csrf_failed\"");
        var wrong = client.postForm(
                "/login", Map.of("username", "alice", "password", TestServer.PASSWORD, "csrf_token", "A".repeat(43)));
        assertThat(wrong.statusCode()).isEqualTo(403);
        var token = client.cookies.get("__Host-lk_csrf");
        var foreign = client.postForm(
                "/login",
                Map.of("username", "alice", "password", TestServer.PASSWORD, "csrf_token", token),
                "Origin",
                "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        var noCookie = server.client().postForm("/logout", Map.of("csrf_token", token));
        assertThat(noCookie.statusCode()).isEqualTo(403);
    }

    @Test
    void openRedirectsInNextStayOnTheSite() {
        var attempts = new String[] {
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "%2F%2Fevil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "%252F%252Fevil.example",
            "http:/evil.example",
            "/\t/evil.example",
            " //evil.example"
        };
        for (var next : attempts) {
            var client = server.client();
            var token = csrfField(client.get("/login"));
            var response = client.postForm(
                    "/login",
                    Map.of("username", "alice", "password", TestServer.PASSWORD, "csrf_token", token, "next", next));
            assertThat(response.statusCode()).as(next).isEqualTo(303);
            assertThat(response.headers().firstValue("location")).as(next).hasValue("/");
        }
        var client = server.client();
        var token = csrfField(client.get("/login"));
        var fine = client.postForm(
                "/login",
                Map.of(
                        "username",
                        "alice",
                        "password",
                        TestServer.PASSWORD,
                        "csrf_token",
                        token,
                        "next",
                        "/account?tab=sessions"));
        assertThat(fine.headers().firstValue("location")).hasValue("/account?tab=sessions");
    }

    @Test
    void endingOtherSessionsFromTheAccountPage() {
        var other = server.client();
        other.signIn();
        var client = server.client();
        client.signIn();
        var account = client.get("/account");
        assertThat(account.body()).contains("End all other sessions");
        var response = client.postForm("/account/sessions", Map.of("csrf_token", csrfField(account), "end", "others"));
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(other.get("/api/me").statusCode()).isEqualTo(401);
        assertThat(client.get("/api/me").statusCode()).isEqualTo(200);
    }

    @Test
    void endingSessionsWithBadFormsEndsNothing() {
        var other = server.client();
        other.signIn();
        var client = server.client();
        client.signIn();
        var token = csrfField(client.get("/account"));
        for (var end : new String[] {"", "not-a-session", "0".repeat(32), "others\u0000"}) {
            var response = client.postForm("/account/sessions", Map.of("csrf_token", token, "end", end));
            assertThat(response.statusCode()).as(end).isEqualTo(303);
        }
        assertThat(client.postForm("/account/sessions", Map.of("csrf_token", token))
                        .statusCode())
                .isEqualTo(303);
        var json = client.postJson("/account/sessions", "{\"end\":\"others\"}");
        assertThat(json.statusCode()).isEqualTo(415);
        assertThat(json.body()).contains("unsupported_media_type");
        assertThat(other.get("/api/me").statusCode()).isEqualTo(200);
        var anonymous = server.client();
        anonymous.get("/login");
        var noUser = anonymous.postForm(
                "/account/sessions", Map.of("csrf_token", anonymous.cookies.get("__Host-lk_csrf"), "end", "others"));
        assertThat(noUser.statusCode()).as("sent to sign in").isEqualTo(303);
        assertThat(noUser.headers().firstValue("location")).hasValue("/login?next=/account/sessions");
    }

    @Test
    void theStylesheetIsImmutableAndAnswers304ToItsEtag() {
        var client = server.client();
        var page = client.get("/login").body();
        var matcher =
                Pattern.compile("href=\"(/static/app\\.[0-9a-f]{16}\\.css)\"").matcher(page);
        assertThat(matcher.find()).isTrue();
        var css = client.get(matcher.group(1));
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(css.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        var etag = css.headers().firstValue("etag").orElseThrow();
        var again = client.get(matcher.group(1), "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(client.get("/static/app.0000000000000000.css").statusCode()).isEqualTo(404);
    }

    static String csrfField(HttpResponse<String> page) {
        var matcher = CSRF_FIELD.matcher(page.body());
        if (!matcher.find()) {
            throw new AssertionError("no csrf_token field in " + page.body());
        }
        return matcher.group(1);
    }
}
