package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.tls.PemFiles;
import dev.latchkey.server.tls.SelfSignedCertificate;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpServerTest {
    @TempDir
    Path dir;

    @Test
    void aRenewedCertificateIsServedWithoutARestart() throws Exception {
        var first = SelfSignedCertificate.ensure(dir.resolve("first"), Clock.systemUTC());
        var second = SelfSignedCertificate.ensure(dir.resolve("second"), Clock.systemUTC());
        var live = new PemFiles(dir.resolve("live.crt.pem"), dir.resolve("live.key.pem"));
        Files.copy(first.certificate(), live.certificate());
        Files.copy(first.privateKey(), live.privateKey());

        try (var server = new HttpServer("127.0.0.1", 0, live, null)) {
            server.start(ok());
            var before = servedSerial(server.port());
            assertThat(before).isEqualTo(first.load().leaf().getSerialNumber());

            // A renewal writes the key first and the certificate last.
            Files.copy(second.privateKey(), live.privateKey(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.certificate(), live.certificate(), StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(
                    live.certificate(),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));

            var expected = second.load().leaf().getSerialNumber();
            var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            BigInteger now = before;
            while (System.nanoTime() < deadline && !now.equals(expected)) {
                Thread.sleep(200);
                now = servedSerial(server.port());
            }
            assertThat(now).isEqualTo(expected);
        }
    }

    @Test
    void onlyTls12And13AreSpoken() throws Exception {
        var pem = SelfSignedCertificate.ensure(dir.resolve("tls"), Clock.systemUTC());
        try (var server = new HttpServer("127.0.0.1", 0, pem, null)) {
            server.start(ok());
            try (var socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            }
            try (var socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.startHandshake();
                assertThat(socket.getSession().getCipherSuite())
                        .contains("ECDHE")
                        .contains("GCM");
                // A client-initiated renegotiation (a DoS lever) ends the connection instead.
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                var out = socket.getOutputStream();
                boolean refused;
                try {
                    out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    refused = socket.getInputStream().read() == -1;
                } catch (java.io.IOException e) {
                    refused = true;
                }
                assertThat(refused).isTrue();
            }
        }
    }

    @Test
    void thePlainListenerOnlyRedirectsToHttps() throws Exception {
        var pem = SelfSignedCertificate.ensure(dir.resolve("tls"), Clock.systemUTC());
        int redirectPort;
        try (var probe = new java.net.ServerSocket(0)) {
            redirectPort = probe.getLocalPort();
        }
        try (var server = new HttpServer("127.0.0.1", 0, pem, redirectPort)) {
            server.start(ok());
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + redirectPort + "/login?next=/account"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(308);
            assertThat(response.headers().firstValue("location"))
                    .hasValue("https://localhost:" + server.port() + "/login?next=/account");
        }
    }

    @Test
    void stoppingLetsARequestInFlightFinish() throws Exception {
        var started = new java.util.concurrent.CountDownLatch(1);
        var slow = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                started.countDown();
                Thread.sleep(1_000);
                response.setStatus(200);
                response.write(true, java.nio.ByteBuffer.wrap("done".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        var server = new HttpServer("127.0.0.1", 0, null, null);
        server.start(slow);
        var inFlight = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/slow"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        server.close();
        var response = inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("done");
    }

    private static Handler ok() {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        };
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (var socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** Test only: reads whatever certificate the server presents. */
    private static SSLContext trustAll() throws Exception {
        var context = SSLContext.getInstance("TLS");
        context.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        return context;
    }
}
