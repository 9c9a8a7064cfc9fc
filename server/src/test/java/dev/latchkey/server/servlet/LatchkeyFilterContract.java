package dev.latchkey.server.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latchkey-servlet} in a real servlet container in front of a plain servlet, against a running latchkey: JWTs
 * verified from the JWKS, sessions and API tokens through forward-auth, groups as roles, bad credentials refused, and
 * failing closed when latchkey is gone. One body for every container: each subclass names its container.
 */
abstract class LatchkeyFilterContract {
    @TempDir
    Path dir;

    private TestServer latchkey;
    private AutoCloseable app;
    private URI appUri;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A servlet container serving {@code servlet} at {@code /whoami} behind the filter with these init parameters. */
    interface Container {
        /** Starts the app on a free loopback port; closing it stops the container. */
        Running start(Path dir, Map<String, String> filterParameters, HttpServlet servlet) throws Exception;
    }

    /** A started app: its {@code /whoami} address, and how to stop it. */
    record Running(URI whoami, AutoCloseable stop) {}

    /** The container this run of the contract uses. */
    abstract Container container();

    /** What the app sees of its caller. */
    public static final class WhoAmI extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            var principal = req.getUserPrincipal();
            var claims = req.getAttribute(LatchkeyFilter.CLAIMS);
            resp.setContentType("text/plain");
            resp.getWriter()
                    .print(principal.getName() + "|" + req.getRemoteUser() + "|" + req.isUserInRole("editors") + "|"
                            + req.isUserInRole("Ops, on call") + "|" + req.isUserInRole("admins") + "|"
                            + (claims instanceof Map<?, ?> map ? map.keySet().size() : -1));
        }
    }

    @BeforeEach
    void start() throws Exception {
        latchkey = TestServer.plain(dir, List.of());
        var groups = latchkey.latchkey().groups();
        groups.create("editors");
        groups.create("Ops, on call");
        var alice = latchkey.latchkey().users().find("alice").orElseThrow();
        groups.set(alice, List.of("editors", "Ops, on call"));

        var base = latchkey.base().toString().replace("localhost", "127.0.0.1");
        var running = container()
                .start(
                        dir.resolve("container"),
                        Map.of(
                                "jwks-url",
                                base + ".well-known/jwks.json",
                                "verify-url",
                                base + "auth/verify",
                                "cache-seconds",
                                "2",
                                "timeout-seconds",
                                "2"),
                        new WhoAmI());
        app = running.stop();
        appUri = running.whoami();
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        latchkey.close();
    }

    @Test
    void aJwtASessionAndAnApiTokenEachMakeTheUserThePrincipalWithGroupsAsRoles() throws Exception {
        var aliceId = Long.toString(
                latchkey.latchkey().users().find("alice").orElseThrow().id());
        var client = latchkey.client();
        var pair = client.postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        var access = match("\"access\":\"([^\"]+)\"", pair.body());

        var byJwt = call("Authorization", "Bearer " + access);
        assertThat(byJwt.statusCode()).as(byJwt.body()).isEqualTo(200);
        assertThat(byJwt.body()).startsWith(aliceId + "|" + aliceId + "|true|true|false|");

        client.signIn();
        var cookie = "lk_session=" + client.cookies.get("lk_session");
        var bySession = call("Cookie", cookie + "; app_pref=dark");
        assertThat(bySession.statusCode()).as(bySession.body()).isEqualTo(200);
        assertThat(bySession.body()).startsWith(aliceId + "|" + aliceId + "|true|true|false|");

        var token = latchkey.latchkey()
                .apiTokens()
                .createByOperator(Long.parseLong(aliceId), "app", Optional.empty())
                .key();
        assertThat(call("Authorization", "Token " + token).body()).startsWith(aliceId + "|");
    }

    @Test
    void badOrMissingCredentialsAreRefusedWithAJsonError() throws Exception {
        var none = call();
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).startsWith("{\"error\":\"not_authenticated\"");
        for (var header : List.of(
                "Bearer not.a.jwt",
                "Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiIxIn0.",
                "Bearer " + "A".repeat(3000),
                "Token lk_" + "A".repeat(43),
                "Bearer ")) {
            var refused = call("Authorization", header);
            assertThat(refused.statusCode()).as(header).isEqualTo(401);
            assertThat(refused.headers().firstValue("www-authenticate")).isPresent();
            assertThat(refused.body()).startsWith("{\"error\":\"");
        }
        // A forged session cookie is nobody: 401, not an error.
        assertThat(call("Cookie", "lk_session=" + "x".repeat(43)).statusCode()).isEqualTo(401);
    }

    @Test
    void whenLatchkeyIsGoneSessionsFailClosedAndJwtsVerifyWithTheCachedKeys() throws Exception {
        var client = latchkey.client();
        var pair = client.postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        var access = match("\"access\":\"([^\"]+)\"", pair.body());
        assertThat(call("Authorization", "Bearer " + access).statusCode()).isEqualTo(200);
        client.signIn();
        var cookie = "lk_session=" + client.cookies.get("lk_session");
        latchkey.close();

        var session = call("Cookie", cookie);
        assertThat(session.statusCode()).isEqualTo(503);
        assertThat(session.body()).startsWith("{\"error\":\"auth_unavailable\"");
        // The keys were fetched once and are kept; the token's signature needs no call.
        assertThat(call("Authorization", "Bearer " + access).statusCode()).isEqualTo(200);
        latchkey = TestServer.plain(dir.resolve("again"), List.of());
    }

    private HttpResponse<String> call(String... headers) throws IOException, InterruptedException {
        var request =
                HttpRequest.newBuilder(appUri).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String match(String regex, String text) {
        var m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + regex + " in " + text);
        }
        return m.group(1);
    }
}
