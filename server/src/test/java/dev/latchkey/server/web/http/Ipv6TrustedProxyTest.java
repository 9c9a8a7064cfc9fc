package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.Latchkey;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.server.web.WebApp;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A TLS-terminating proxy on IPv6: the server listens on plain HTTP on {@code ::1}, trusts {@code ::1}, and a
 * request over real IPv6 loopback says it came over HTTPS from {@code 2001:db8::7}. Jetty reports such a peer as
 * {@code [::1]}, brackets included, which is what the proxy check must see through.
 */
class Ipv6TrustedProxyTest {
    private static final String PASSWORD = "correct horse battery staple";

    private TestDatabase db;
    private Latchkey latchkey;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        requireIpv6Loopback();
        db = TestDatabase.sqlite();
        latchkey = Latchkey.builder(db.database())
                .argon2(Argon2Settings.OWASP)
                .instanceSecret(Secrets.create().bytes(32))
                .build();
        latchkey.users().create(new NewUser("alice", "alice@example.com", false, false), Optional.of(PASSWORD));
        server = new HttpServer("::1", 0, null, null);
        server.start(WebApp.handler(latchkey, TrustedProxies.of(List.of("::1"))));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (latchkey != null) {
            latchkey.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void forwardedHeadersFromATrustedIpv6ProxyAreBelieved() throws Exception {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var base = URI.create("http://[::1]:" + server.port() + "/");
        var signIn = http.send(
                HttpRequest.newBuilder(base.resolve("/api/session"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-For", "2001:db8::7")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        // The proxy said HTTPS, so the cookies are the Secure __Host- ones.
        var session = signIn.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("__Host-lk_session="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no __Host- session cookie in " + signIn.headers().allValues("set-cookie")));
        assertThat(session).contains("Secure");

        var sessions = http.send(
                HttpRequest.newBuilder(base.resolve("/api/sessions"))
                        .header("Cookie", session.split(";", 2)[0])
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-For", "2001:db8::7")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sessions.statusCode()).as(sessions.body()).isEqualTo(200);
        var listed = new ObjectMapper().readTree(sessions.body()).get("sessions");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("ip").asText()).isEqualTo("2001:db8::7");
    }

    /** Skips without IPv6 loopback (some containers have none), loudly; under {@code CI=true} it must be there. */
    private static void requireIpv6Loopback() {
        try (var probe = new ServerSocket()) {
            var loopback = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
            if (!(loopback instanceof Inet6Address)) {
                throw new IOException("::1 is not an IPv6 address here");
            }
            probe.bind(new InetSocketAddress(loopback, 0));
        } catch (IOException e) {
            var message = "\n*** no IPv6 loopback (::1: " + e.getMessage() + "): the IPv6 proxy test is SKIPPED. ***\n";
            System.err.println(message);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("IPv6 loopback is required under CI=true" + message, e);
            }
            Assumptions.abort(message);
        }
    }
}
