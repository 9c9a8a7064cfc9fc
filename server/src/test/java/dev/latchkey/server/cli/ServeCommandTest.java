package dev.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.Main;
import dev.latchkey.server.tls.Trust;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey serve} as a newcomer runs it: HTTPS with a certificate it makes itself, /healthz answering. */
class ServeCommandTest {
    private static final Pattern URL = Pattern.compile("serving on (https?://\\S+)");

    @TempDir
    Path data;

    @Test
    void servesHealthzOverHttpsWithItsOwnCertificateForLocalhost() throws Exception {
        var out = new ByteArrayOutputStream();
        var terminal = new Terminal(
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), System.err, Map.of(), null);
        var server = new Thread(() -> Main.run(terminal, "serve", "--port", "0", "--data", data.toString()));
        server.start();
        try {
            var base = awaitUrl(out);
            assertThat(base).startsWith("https://127.0.0.1:");
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("No users yet");

            var certFile = data.resolve("tls/localhost.crt.pem");
            var certificate = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(certFile));
            assertThat(certificate.getSubjectAlternativeNames())
                    .extracting(n -> n.get(1).toString())
                    .contains("localhost", "127.0.0.1");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(data.resolve("tls/localhost.key.pem"))))
                    .isEqualTo("rw-------");

            // A client that trusts exactly this certificate, checking host names as browsers do.
            var client = HttpClient.newBuilder()
                    .sslContext(Trust.only(certificate))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            var port = URI.create(base).getPort();
            var response = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(response.headers().firstValue("strict-transport-security"))
                    .isPresent();
            assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");

            var missing = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/nope"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("{\"error\":\"not_found\",\"detail\":\"no such resource\"}");

            var post = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                            .POST(HttpRequest.BodyPublishers.ofString("x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        } finally {
            server.interrupt();
            server.join(15_000);
        }
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void theCertificateIsMadeOnceAndReused() throws Exception {
        var first = runBriefly();
        var cert = Files.readString(data.resolve("tls/localhost.crt.pem"));
        var second = runBriefly();
        assertThat(Files.readString(data.resolve("tls/localhost.crt.pem"))).isEqualTo(cert);
        assertThat(first).startsWith("https://");
        assertThat(second).startsWith("https://");
    }

    @Test
    void plainHttpWhenAskedFor() throws Exception {
        var out = new ByteArrayOutputStream();
        var terminal = new Terminal(
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), System.err, Map.of(), null);
        var server = new Thread(() -> Main.run(terminal, "serve", "--http", "--port", "0", "--data", data.toString()));
        server.start();
        try {
            var base = awaitUrl(out);
            assertThat(base).startsWith("http://");
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "healthz")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("strict-transport-security"))
                    .isEmpty();
        } finally {
            server.interrupt();
            server.join(15_000);
        }
    }

    @Test
    void metricsAreOnTheManagementPortOnlyAndEveryRequestLeavesOneLogLineWithoutSecrets() throws Exception {
        var requests = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.latchkey.requests");
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        requests.addAppender(lines);
        var out = new ByteArrayOutputStream();
        var terminal = new Terminal(
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), System.err, Map.of(), null);
        var server = new Thread(() -> Main.run(
                terminal, "serve", "--http", "--port", "0", "--management-port", "0", "--data", data.toString()));
        server.start();
        try {
            var base = awaitUrl(out);
            var client = HttpClient.newHttpClient();
            var signIn = client.send(
                    HttpRequest.newBuilder(URI.create(base + "api/session?password=hunter2"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"nobody\",\"password\":\"hunter2\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(401);
            var management = Pattern.compile("metrics on (http://\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(management.find())
                    .as(out.toString(StandardCharsets.UTF_8))
                    .isTrue();
            // A request is counted just after its answer has gone out: wait for it.
            HttpResponse<String> metrics;
            var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            do {
                metrics = client.send(
                        HttpRequest.newBuilder(URI.create(management.group(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
            } while (!metrics.body().contains("route=\"/api/session\"") && System.nanoTime() < deadline);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("latchkey_signins_total{method=\"password\",outcome=\"failure\"} 1.0")
                    .contains("latchkey_http_requests_seconds_bucket{method=\"POST\",route=\"/api/session\","
                            + "status=\"401\"")
                    .contains("latchkey_sessions_active")
                    .contains("latchkey_jwt_verifications_total")
                    .contains("latchkey_signin_throttled_total");
            var readyz = client.send(
                    HttpRequest.newBuilder(URI.create(management.group(1).replace("/metrics", "/readyz")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(readyz.body()).isEqualTo("{\"status\":\"ready\"}");
            var publicMetrics = client.send(
                    HttpRequest.newBuilder(URI.create(base + "metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(publicMetrics.statusCode()).isEqualTo(404);

            var logged = lines.list.stream()
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .toList();
            assertThat(logged)
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("POST /api/session 401 ")
                            .endsWith("user=- ip=127.0.0.1"));
            assertThat(String.join("\n", logged)).doesNotContain("hunter2").doesNotContain("password=");
        } finally {
            requests.detachAppender(lines);
            server.interrupt();
            server.join(15_000);
        }
    }

    private String runBriefly() throws Exception {
        var out = new ByteArrayOutputStream();
        var terminal = new Terminal(
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), System.err, Map.of(), null);
        var server = new Thread(() -> Main.run(terminal, "serve", "--port", "0", "--data", data.toString()));
        server.start();
        try {
            return awaitUrl(out);
        } finally {
            server.interrupt();
            server.join(15_000);
        }
    }

    private static String awaitUrl(ByteArrayOutputStream out) throws InterruptedException {
        var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var matcher = URL.matcher(out.toString(StandardCharsets.UTF_8));
            if (matcher.find()) {
                return matcher.group(1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not start: " + out.toString(StandardCharsets.UTF_8));
    }
}
