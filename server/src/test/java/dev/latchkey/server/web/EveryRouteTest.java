package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.http.Policy;
import dev.latchkey.server.web.http.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every registered route, by every kind of caller, with hostile bodies, queries and headers: never a 5xx, never a
 * stack trace, always a JSON error or a page; and the route policies themselves.
 */
class EveryRouteTest extends ServerTest {
    private static dev.latchkey.testing.Mailbox mailbox;

    /** The server of this class has every route: open sign-up, and mail for reset, verification and invitations. */
    @org.junit.jupiter.api.BeforeAll
    static void startServer() throws Exception {
        mailbox = dev.latchkey.testing.Mailbox.open();
        server = TestServer.openSignUp(dir, mailbox);
    }

    @org.junit.jupiter.api.AfterAll
    static void stopServer() throws Exception {
        server.close();
        mailbox.close();
    }

    private static final String CSRF = "c".repeat(43);
    private static final List<String> PARAMS = List.of(
            "1",
            "-1",
            "99999999999999999999",
            "%00",
            "..%2F..",
            "%C3%BC",
            "x".repeat(2000),
            "myidp",
            "%C3%28",
            "%E2%80%AE");
    private static final List<String> JSON_BODIES = List.of(
            "",
            "{}",
            "[]",
            "null",
            "\"x\"",
            "1e999999",
            "{\"username\":1,\"password\":[]}",
            "{\"username\":\"alice\",\"password\":\"wrong\"}",
            "{\"username\":\"ad\\u0000min\",\"password\":\"p\"}",
            "{\"refresh\":\"lkr_" + "A".repeat(43) + "\"}",
            "{\"token\":\"eyJhbGciOiJub25lIn0.e30.\"}",
            "{\"code\":\"c\",\"redirect_uri\":\"x\",\"code_verifier\":1}",
            "{\"name\":\"" + "n".repeat(5000) + "\",\"expires\":9223372036854775807}",
            "[".repeat(5000),
            "{\"a\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001),
            "{\"username\":\"" + "u".repeat(151) + "\",\"password\":\"p\"}",
            "{\"email\":\"x@example.org\\r\\nBcc: all@example.org\"}",
            "{\"email\":\"" + "e".repeat(10_000) + "@example.org\"}",
            "{\"email\":[\"a@example.org\"],\"staff\":\"yes\"}",
            "{\"token\":\"" + "A".repeat(43) + "\",\"password\":\"correct horse battery staple\"}",
            "{\"token\":\"" + "A".repeat(42) + "\"}",
            "{\"current_password\":1,\"new_password\":[],\"email\":{}}",
            "{\"username\":\"new\",\"email\":\"new@example.org\",\"password\":\"correct horse battery staple\"}",
            "{\"name\":\"ops\\n\\u202e\",\"groups\":[\"a\\u0000b\", 1, null]}",
            "{\"groups\":\"editors\"}",
            "{\"groups\":[" + "\"g\",".repeat(2000) + "\"g\"]}");
    private static final List<String> FORM_BODIES = List.of(
            "",
            "%zz=%",
            "csrf_token=" + CSRF + "&end=others",
            "csrf_token=" + CSRF + "&unlink=abc",
            "csrf_token=" + CSRF + "&provider=%00",
            "csrf_token=" + CSRF + "&username=alice&password=wrong&next=//evil.example",
            "a=" + "b".repeat(70_000));
    private static final List<String> QUERIES = List.of(
            "",
            "?next=//evil.example",
            "?a=%C3%28",
            "?since=%2B1000000000-01-01" + "T00:00:00Z",
            "?until=-999999999-01-01T00:00:00Z",
            "?limit=-1",
            "?before=abc",
            "?user=%00",
            "?state=x&code=" + "c".repeat(5000),
            "?error=%3Cscript%3E");

    @Test
    void everyRouteByEveryCallerWithHostileInputNeverFailsOnTheServersSide() throws Exception {
        var http = HttpClient.newBuilder()
                .sslContext(server.sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        int requests = 0;
        var failures = new ArrayList<String>();
        var document = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(server.client().get("/api/openapi.json").body());
        for (var route : server.routes()) {
            var documented = documented(document, route);
            // Fresh callers per route: a sign-out or "end my other sessions" must not leave later routes untested.
            for (var caller : callers().entrySet()) {
                for (var path : paths(route)) {
                    for (var body : bodies(route)) {
                        var request = request(
                                route.method(),
                                path,
                                body,
                                caller.getValue(),
                                route.policy().page());
                        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        requests++;
                        var where = route.method() + " " + path + " as " + caller.getKey() + " with "
                                + body.substring(0, Math.min(body.length(), 40));
                        if (response.statusCode() >= 500) {
                            failures.add(response.statusCode() + " " + where + ": " + response.body());
                        }
                        if (!documented.contains(Integer.toString(response.statusCode()))) {
                            failures.add(response.statusCode() + " is not in the OpenAPI document for " + where + ": "
                                    + response.body()
                                            .substring(
                                                    0, Math.min(response.body().length(), 120)));
                        }
                        if (response.body().contains("Exception")
                                || response.body().contains("at dev.latchkey")) {
                            failures.add("a stack trace for " + where);
                        }
                        if (response.statusCode() >= 400 && !route.policy().page()) {
                            assertThat(response.body()).as(where).startsWith("{\"error\":\"");
                        }
                        if (!route.policy().cacheControl().startsWith("public")) {
                            assertThat(response.headers().firstValue("cache-control"))
                                    .as(where)
                                    .hasValue("no-store");
                        }
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(requests).isGreaterThan(2_000);
    }

    @Test
    void everyRouteDeclaresAPolicyAndPagesNeverTakeAHeaderCredential() {
        assertThat(server.routes()).hasSizeGreaterThan(20).allSatisfy(route -> {
            assertThat(route.policy()).isNotNull();
            if (route.policy().page()) {
                assertThat(route.policy().proofs()).doesNotContain(Policy.Proof.HEADER);
            }
            if (route.policy().access() != Policy.Access.ANYONE) {
                assertThat(route.policy().cacheControl()).isEqualTo("no-store");
            }
        });
        assertThatThrownBy(() -> new Router().add("GET", "/x", null, (x, p) -> {}))
                .as("a route without a policy cannot be registered")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Policy.signedIn().publicFor(Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokenCallerOnAPageFormIsNobodyThereNotAServerError() {
        var key = server.latchkey()
                .apiTokens()
                .createByOperator(aliceId(), "pages", Optional.empty())
                .key();
        var client = server.client();
        client.cookies.put("__Host-lk_csrf", CSRF);
        var response = client.postForm(
                "/account/sessions", Map.of("csrf_token", CSRF, "end", "others"), "Authorization", "Token " + key);
        assertThat(response.statusCode()).as("sent to sign in, never a 500").isEqualTo(303);
        assertThat(response.headers().firstValue("location")).hasValue("/login?next=/account/sessions");
    }

    /** The kinds of caller, as the headers each sends. */
    private static Map<String, List<String>> callers() {
        var alice = aliceId();
        var session = server.latchkey()
                .sessions()
                .login(null, alice, new RequestContext("127.0.0.1", "t"))
                .id();
        var cookie = "__Host-lk_session=" + session + "; __Host-lk_csrf=" + CSRF;
        var token = server.latchkey()
                .apiTokens()
                .createByOperator(alice, "fuzz", Optional.empty())
                .key();
        var jwt = server.latchkey().tokenFamilies().obtain(alice, null).access();
        var callers = new LinkedHashMap<String, List<String>>();
        callers.put("anonymous", List.of());
        callers.put("cookie without CSRF", List.of("Cookie", cookie));
        callers.put(
                "cookie with CSRF",
                List.of(
                        "Cookie",
                        cookie,
                        "X-CSRF-Token",
                        CSRF,
                        "Origin",
                        server.base().toString().replaceAll("/$", "")));
        callers.put("API token", List.of("Authorization", "Token " + token));
        callers.put("JWT", List.of("Authorization", "Bearer " + jwt));
        callers.put("malformed Bearer", List.of("Authorization", "Bearer abc.def", "Origin", "null"));
        callers.put("staff API token", List.of("Authorization", "Token " + staffToken()));
        return callers;
    }

    /** Hostile path parameters, or queries: all of them on reads, a few beside each hostile body. */
    private static List<String> paths(Router.Route route) {
        var template = route.template();
        var paths = new ArrayList<String>();
        if (template.contains("{}")) {
            PARAMS.forEach(p -> paths.add(template.replace("{}", p)));
        } else {
            QUERIES.forEach(q -> paths.add(template + q));
        }
        return route.method().equals("GET") ? paths : paths.subList(0, 3);
    }

    private static List<String> bodies(Router.Route route) {
        if (route.method().equals("GET")) {
            return List.of("");
        }
        return route.policy().page() ? FORM_BODIES : JSON_BODIES;
    }

    private static HttpRequest request(String method, String path, String body, List<String> headers, boolean form) {
        var builder = HttpRequest.newBuilder(URI.create(server.base() + path.substring(1)))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.size(); i += 2) {
            builder.header(headers.get(i), headers.get(i + 1));
        }
        if (!body.isEmpty()) {
            builder.header("Content-Type", form ? "application/x-www-form-urlencoded" : "application/json");
        }
        var bytes = body.isEmpty()
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8));
        return builder.method(method, bytes).build();
    }

    /** A staff member's token, so that the staff routes are reached, not only refused. */
    private static String staffToken() {
        var users = server.latchkey().users();
        var boss = users.find("boss")
                .orElseGet(() -> users.create(
                        new dev.latchkey.user.NewUser("boss", "", true, false), Optional.of(TestServer.PASSWORD)));
        return server.latchkey()
                .apiTokens()
                .createByOperator(boss.id(), "fuzz", Optional.empty())
                .key();
    }

    /** The statuses the OpenAPI document lists for the route. */
    private static java.util.Set<String> documented(
            com.fasterxml.jackson.databind.JsonNode document, Router.Route route) {
        var param = route.doc() == null || route.doc().param() == null
                ? "param"
                : route.doc().param();
        var path = route.template().replace("{}", "{" + param + "}");
        var statuses = new java.util.HashSet<String>();
        document.path("paths")
                .path(path)
                .path(route.method().toLowerCase(java.util.Locale.ROOT))
                .path("responses")
                .fieldNames()
                .forEachRemaining(statuses::add);
        return statuses;
    }

    private static long aliceId() {
        return server.latchkey().users().find("alice").orElseThrow().id();
    }
}
