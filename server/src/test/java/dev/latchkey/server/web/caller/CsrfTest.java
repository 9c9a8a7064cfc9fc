package dev.latchkey.server.web.caller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.crypto.Secrets;
import dev.latchkey.server.web.http.LocalJetty;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

class CsrfTest {
    private static final String TOKEN = "A".repeat(43);
    private static final String COOKIE = "Cookie: __Host-lk_csrf=" + TOKEN;

    private final CookiePolicy cookies = new CookiePolicy(Duration.ofDays(14), false);
    private final Csrf csrf = new Csrf(cookies, Secrets.create(), new SiteOrigin(null));

    @Test
    void aBrowserWithoutATokenIsIssuedOneAsACookieAndKeepsIt() throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> x.json(200, Map.of("token", csrf.token(x))))) {
            var first = jetty.get("/login");
            var issued = cookie(first, "__Host-lk_csrf");
            assertThat(issued).matches("[A-Za-z0-9_-]{43}");
            assertThat(first.getContent()).isEqualTo("{\"token\":\"" + issued + "\"}");

            var again = jetty.get("/login", "Cookie: __Host-lk_csrf=" + issued);
            assertThat(again.getContent()).isEqualTo("{\"token\":\"" + issued + "\"}");
            assertThat(again.get("Set-Cookie")).as("nothing new to set").isNull();
        }
    }

    @Test
    void aCookieThatIsNotOneOfOurTokensIsReplacedNotEchoed() throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> x.json(200, Map.of("token", csrf.token(x))))) {
            for (var planted : new String[] {"short", TOKEN + "A", "A".repeat(42) + "=", "<script>" + "A".repeat(35)}) {
                var response = jetty.get("/login", "Cookie: __Host-lk_csrf=" + planted);
                assertThat(cookie(response, "__Host-lk_csrf"))
                        .as(planted)
                        .matches("[A-Za-z0-9_-]{43}")
                        .isNotEqualTo(planted);
                assertThat(response.getContent()).doesNotContain(planted);
            }
        }
    }

    @Test
    void rotatingIssuesAFreshTokenEachTime() throws Exception {
        try (var jetty = LocalJetty.exchanges(true, x -> x.json(200, Map.of("token", csrf.rotate(x))))) {
            var one = cookie(jetty.get("/x", COOKIE), "__Host-lk_csrf");
            var two = cookie(jetty.get("/x", COOKIE), "__Host-lk_csrf");
            assertThat(one).isNotEqualTo(TOKEN).isNotEqualTo(two);
        }
    }

    @Test
    void theSubmittedTokenMustEqualTheCookie() throws Exception {
        try (var jetty = LocalJetty.exchanges(
                true, x -> csrf.check(x, x.header(Csrf.HEADER).orElse(null)))) {
            assertThat(jetty.post("/api/session", COOKIE, "X-CSRF-Token: " + TOKEN)
                            .getStatus())
                    .isEqualTo(204);
            assertRefused(jetty.post("/api/session", COOKIE), "the CSRF token is missing or wrong");
            assertRefused(jetty.post("/api/session", COOKIE, "X-CSRF-Token: "), "the CSRF token is missing or wrong");
            assertRefused(
                    jetty.post("/api/session", COOKIE, "X-CSRF-Token: " + "B".repeat(43)),
                    "the CSRF token is missing or wrong");
            assertRefused(
                    jetty.post("/api/session", COOKIE, "X-CSRF-Token: " + TOKEN.substring(1)),
                    "the CSRF token is missing or wrong");
            assertRefused(jetty.post("/api/session", "X-CSRF-Token: " + TOKEN), "the CSRF token is missing or wrong");
            assertRefused(
                    jetty.post("/api/session", "Cookie: __Host-lk_csrf=", "X-CSRF-Token: "),
                    "the CSRF token is missing or wrong");
        }
    }

    @Test
    void overPlainHttpTheUnprefixedCookieIsTheOneCompared() throws Exception {
        try (var jetty = LocalJetty.exchanges(
                false, x -> csrf.check(x, x.header(Csrf.HEADER).orElse(null)))) {
            assertThat(jetty.post("/x", "Cookie: lk_csrf=" + TOKEN, "X-CSRF-Token: " + TOKEN)
                            .getStatus())
                    .isEqualTo(204);
            assertRefused(jetty.post("/x", COOKIE, "X-CSRF-Token: " + TOKEN), "the CSRF token is missing or wrong");
        }
    }

    @Test
    void aForeignOriginIsRefusedEvenWithTheRightToken() throws Exception {
        try (var jetty = LocalJetty.exchanges(
                true, x -> csrf.check(x, x.header(Csrf.HEADER).orElse(null)))) {
            for (var origin : new String[] {
                "https://evil.example",
                "http://auth.example",
                "https://auth.example:8443",
                "https://auth.example.evil.example",
                "null",
                "auth.example",
                "https://"
            }) {
                assertRefused(
                        jetty.post("/x", COOKIE, "X-CSRF-Token: " + TOKEN, "Origin: " + origin),
                        "the request comes from another site");
            }
        }
    }

    @Test
    void thisSitesOriginPassesWithItsDefaultPortOrInAnotherCase() throws Exception {
        try (var jetty = LocalJetty.exchanges(
                true, x -> csrf.check(x, x.header(Csrf.HEADER).orElse(null)))) {
            for (var origin :
                    new String[] {"https://auth.example", "https://auth.example:443", "HTTPS://Auth.Example"}) {
                assertThat(jetty.post("/x", COOKIE, "X-CSRF-Token: " + TOKEN, "Origin: " + origin)
                                .getStatus())
                        .as(origin)
                        .isEqualTo(204);
            }
        }
    }

    @Test
    void withAPublicUrlOnlyThatOriginCountsWhateverHostTheProxySends() throws Exception {
        var behindProxy = new Csrf(cookies, Secrets.create(), new SiteOrigin(URI.create("https://login.example.com")));
        try (var jetty = LocalJetty.exchanges(true, behindProxy::checkOrigin)) {
            assertThat(jetty.post("/x", "Origin: https://login.example.com").getStatus())
                    .isEqualTo(204);
            assertRefused(jetty.post("/x", "Origin: https://auth.example"), "the request comes from another site");
            assertThat(jetty.post("/x").getStatus())
                    .as("no Origin: nothing to compare")
                    .isEqualTo(204);
        }
    }

    private static void assertRefused(HttpTester.Response response, String detail) {
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContent()).isEqualTo("{\"error\":\"csrf_failed\",\"detail\":\"" + detail + "\"}");
    }

    private static String cookie(HttpTester.Response response, String name) {
        for (var header : response.getValuesList("Set-Cookie")) {
            if (header.startsWith(name + "=")) {
                return header.substring(name.length() + 1, header.indexOf(';'));
            }
        }
        throw new AssertionError("no " + name + " cookie set: " + response.getValuesList("Set-Cookie"));
    }
}
