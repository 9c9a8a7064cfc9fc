package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.web.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 as clients speak it: the JDK's {@link HttpClient} and curl over real TLS (ALPN), curl with prior knowledge
 * over plain HTTP (h2c), and an attacker writing frames by hand. What HTTP/1.1 guarantees holds on h2 as well: the
 * same JSON answers and errors, the body limit, the header limit, and one client's flood never starving another.
 */
class Http2Test {
    private static final String CREDENTIALS =
            "{\"username\": \"alice\", \"password\": \"" + TestServer.PASSWORD + "\"}";

    @TempDir
    Path dir;

    @Test
    void theJdkClientSignsInReadsAndIsRefusedOverH2() throws Exception {
        try (var server = TestServer.https(dir)) {
            var client = server.client();
            var health = client.get("/healthz");
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(health.body()).contains("\"status\":\"ok\"");

            var anonymous = client.get("/api/me");
            assertThat(anonymous.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"error\":\"not_authenticated\"");
            assertThat(anonymous.headers().firstValue("www-authenticate")).isPresent();

            client.signIn();
            var me = client.get("/api/me");
            assertThat(me.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(me.body()).contains("\"username\":\"alice\"");
            assertThat(me.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(me.headers().firstValue("strict-transport-security")).isPresent();
        }
    }

    @Test
    void anOversizedBodyIs413AndAHugeHeaderListIs431OverH2() throws Exception {
        try (var server = TestServer.https(dir)) {
            var client = server.client();
            var big = "{\"username\": \"" + "a".repeat(100 * 1024) + "\"}";
            var tooLarge = client.postJson("/api/session", big);
            assertThat(tooLarge.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("\"error\":\"body_too_large\"");

            // Under the 32 KiB bound, as over HTTP/1.1: a 20 KiB header still reaches the handler and gets its 401.
            var large = client.get("/api/me", "Authorization", "Bearer " + "x".repeat(20 * 1024));
            assertThat(large.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(large.statusCode()).isEqualTo(401);
            assertThat(large.body()).contains("\"error\":\"invalid_token\"");

            // Over it, HTTP/2 cannot answer the one stream (HPACK's state is shared by the whole connection), so the
            // connection is closed with GOAWAY, never buffered; HTTP/1.1 answers 431.
            assertThatThrownBy(() -> client.get("/api/me", "X-Padding", "p".repeat(40 * 1024)))
                    .hasRootCauseInstanceOf(IOException.class)
                    .rootCause()
                    .hasMessageContaining("GOAWAY");

            // The server goes on serving, on a new connection.
            assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void curlNegotiatesH2OverTlsAndSignsIn() throws Exception {
        requireCurl();
        try (var server = TestServer.https(dir)) {
            var base = "https://localhost:" + server.port();
            var jar = dir.resolve("cookies.txt");
            assertThat(curl("--http2", base + "/healthz")).isEqualTo("2 200 {\"status\":\"ok\"}");
            var signIn = curl(
                    "--http2",
                    "-c",
                    jar.toString(),
                    "-H",
                    "Content-Type: application/json",
                    "-d",
                    CREDENTIALS,
                    base + "/api/session");
            assertThat(signIn).startsWith("2 200 ");
            var me = curl("--http2", "-b", jar.toString(), base + "/api/me");
            assertThat(me).startsWith("2 200 ").contains("\"username\":\"alice\"");
            var error = curl("--http2", base + "/api/nothing-here");
            assertThat(error).startsWith("2 404 ").contains("\"error\":\"not_found\"");
        }
    }

    @Test
    void plainHttpOffersH2cByPriorKnowledgeButNeverByUpgrade() throws Exception {
        requireCurl();
        try (var server = TestServer.plain(dir, List.of())) {
            var base = "http://127.0.0.1:" + server.port();
            assertThat(curl("--http2-prior-knowledge", base + "/healthz")).isEqualTo("2 200 {\"status\":\"ok\"}");
            var me = curl("--http2-prior-knowledge", base + "/api/me");
            assertThat(me).startsWith("2 401 ").contains("\"error\":\"not_authenticated\"");
            // Upgrade: h2c is declined (h2c smuggling past a front proxy); the request is answered over HTTP/1.1.
            assertThat(curl("--http2", base + "/healthz")).isEqualTo("1.1 200 {\"status\":\"ok\"}");
            // The JDK client asks for the upgrade too, and is answered over HTTP/1.1.
            var jdk = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(jdk.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(jdk.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withH2cOffThePlainListenerSpeaksHttp11Only() throws Exception {
        requireCurl();
        try (var server =
                new HttpServer("127.0.0.1", 0, null, null, HttpServer.Limits.DEFAULT, TrustedProxies.none(), false)) {
            server.start(new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    response.write(true, StandardCharsets.UTF_8.encode("hello"), callback);
                    return true;
                }
            });
            var base = "http://127.0.0.1:" + server.port();
            assertThat(curl("--http1.1", base + "/")).isEqualTo("1.1 200 hello");
            assertThat(curlStatus("--http2-prior-knowledge", base + "/"))
                    .as("the preface is not HTTP/1.1")
                    .doesNotStartWith("2 200");
        }
    }

    @Test
    void rapidResetsCloseTheAttackersConnectionWhileAnotherClientIsServed() throws Exception {
        try (var server = TestServer.https(dir);
                var attacker = new RawHttp2(server.sslContext(), loopback("127.0.0.1"), server.port())) {
            var request = RawHttp2.request("GET", "/healthz", -1);
            int sent = 0;
            try {
                for (int stream = 1; sent < 5_000; stream += 2, sent++) {
                    attacker.headers(stream, request, true);
                    attacker.reset(stream);
                    if (sent % 50 == 49) {
                        attacker.flush();
                    }
                }
                attacker.flush();
            } catch (IOException closed) {
                // the server closed the connection mid-flood: what is expected
            }
            var goAway = attacker.await(RawHttp2.GOAWAY, 5_000);
            assertThat(goAway).as("the server ends the connection").isNotNull();
            assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
            assertThat(bystander(server)).allMatch(elapsed -> elapsed.compareTo(Duration.ofSeconds(1)) < 0);
        }
    }

    @Test
    void aFloodOfStreamsIsCappedPerConnectionAndStarvesNoOne() throws Exception {
        try (var server = TestServer.https(dir)) {
            var attackers = new ArrayList<RawHttp2>();
            try {
                // Eight connections, each asking for far more streams than allowed, every one a sign-in whose body
                // never comes: what one connection may hold is the stream limit, in no thread; the streams refused
                // beyond it count against the connection's control-frame budget, which then closes it.
                var request = RawHttp2.request("POST", "/api/session", 100);
                for (int c = 0; c < 8; c++) {
                    var attacker = new RawHttp2(server.sslContext(), loopback("127.0.0.1"), server.port());
                    attackers.add(attacker);
                    try {
                        for (int i = 0, stream = 1; i < 400; i++, stream += 2) {
                            attacker.headers(stream, request, false);
                        }
                        attacker.flush();
                    } catch (IOException closed) {
                        // closed by the server mid-flood: what is expected
                    }
                }
                for (var attacker : attackers) {
                    var firstRefused = attacker.await(RawHttp2.RST_STREAM, 5_000);
                    assertThat(firstRefused)
                            .as("streams over the limit are refused")
                            .isNotNull();
                    assertThat(firstRefused.errorCode()).as("REFUSED_STREAM").isEqualTo(0x7);
                    assertThat(firstRefused.stream())
                            .as("the first stream over the limit")
                            .isEqualTo(2 * HttpServer.MAX_CONCURRENT_STREAMS + 1);
                    var goAway = attacker.await(RawHttp2.GOAWAY, 5_000);
                    assertThat(goAway)
                            .as("a connection that keeps flooding is closed")
                            .isNotNull();
                    assertThat(goAway.errorCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
                }
                assertThat(bystander(server)).allMatch(elapsed -> elapsed.compareTo(Duration.ofSeconds(1)) < 0);
                var signIn = timed(() -> server.client().postJson("/api/session", CREDENTIALS));
                assertThat(signIn.value().statusCode()).isEqualTo(200);
                assertThat(signIn.elapsed()).isLessThan(Duration.ofSeconds(2));
            } finally {
                for (var attacker : attackers) {
                    attacker.close();
                }
            }
        }
    }

    /** Five health checks by another client over h2, each timed. */
    private static List<Duration> bystander(TestServer server) {
        var client = server.client();
        var times = new ArrayList<Duration>();
        for (int i = 0; i < 5; i++) {
            var health = timed(() -> client.get("/healthz"));
            assertThat(health.value().statusCode()).isEqualTo(200);
            assertThat(health.value().version()).isEqualTo(HttpClient.Version.HTTP_2);
            times.add(health.elapsed());
        }
        return times;
    }

    private record Timed<T>(T value, Duration elapsed) {}

    private static <T> Timed<T> timed(java.util.function.Supplier<T> action) {
        long start = System.nanoTime();
        var value = action.get();
        return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
    }

    /** curl's answer as "VERSION STATUS BODY". */
    private String curl(String... args) throws Exception {
        var result = curlStatus(args);
        assertThat(result).as("curl %s", String.join(" ", args)).doesNotStartWith("curl failed");
        return result;
    }

    private String curlStatus(String... args) throws Exception {
        var body = Files.createTempFile(dir, "body", ".txt");
        var command = new ArrayList<>(List.of(
                "curl", "-sk", "--max-time", "10", "-o", body.toString(), "-w", "%{http_version} %{http_code}"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "curl failed: timed out";
        }
        if (process.exitValue() != 0) {
            return "curl failed (" + process.exitValue() + "): " + out;
        }
        return out + " " + Files.readString(body);
    }

    /** Skips without curl, loudly; under {@code CI=true} it must be there. */
    private static void requireCurl() {
        try {
            var process = new ProcessBuilder("curl", "--version").start();
            var version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() == 0 && version.contains("HTTP2")) {
                return;
            }
        } catch (IOException e) {
            // missing: below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var message = "\n*** curl with HTTP/2 is missing (apt-get install curl): the curl h2 test is SKIPPED. ***\n";
        System.err.println(message);
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("curl with HTTP/2 is required under CI=true" + message);
        }
        Assumptions.abort(message);
    }

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
