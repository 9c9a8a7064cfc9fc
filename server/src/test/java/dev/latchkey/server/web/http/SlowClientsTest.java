package dev.latchkey.server.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.web.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the server's connections, as an attacker makes them: hundreds of TLS connections from one address that
 * send a body or headers one byte every few seconds, measured by what other clients (another loopback address,
 * 127.0.0.2) still get. Every count and wait is bounded; each test takes seconds.
 */
class SlowClientsTest {
    private static final InetAddress ATTACKER = loopback("127.0.0.1");
    private static final InetAddress BYSTANDER = loopback("127.0.0.2");
    private static final String HEALTH_CHECK = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void threeHundredSlowBodiesHoldNoThreadSoHealthzAndSignInsFromElsewhereStayFast() throws Exception {
        // The per-address cap is lifted here, so that all 300 are open at once: what is tested is that a body in
        // transit holds no thread (the pool has 200), not the cap.
        var limits = new HttpServer.Limits(1_000, Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (var server = TestServer.https(dir, limits);
                var attack = new SlowAttack(server)) {
            for (int i = 0; i < 300; i++) {
                attack.open(
                        ATTACKER,
                        "POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                + "application/json\r\nContent-Length: 65536\r\n\r\n{");
            }
            attack.trickle(Duration.ofSeconds(1));
            assertThat(attack.stillOpen())
                    .as("the slow bodies are all in flight")
                    .isEqualTo(300);
            for (int i = 0; i < 5; i++) {
                var health = timed(() -> request(server, BYSTANDER, HEALTH_CHECK));
                assertThat(health.response()).startsWith("HTTP/1.1 200");
                assertThat(health.elapsed()).isLessThan(Duration.ofSeconds(1));
            }
            var body = "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}";
            var signIn = timed(() -> request(
                    server,
                    BYSTANDER,
                    "POST /api/session HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close"
                            + "\r\n\r\n" + body));
            assertThat(signIn.response()).startsWith("HTTP/1.1 200");
            assertThat(signIn.elapsed()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aBodyStillTricklingAtItsDeadlineGets408AndItsConnectionClosed() throws Exception {
        var limits = new HttpServer.Limits(64, Duration.ofSeconds(10), Duration.ofSeconds(2));
        try (var server = TestServer.https(dir, limits);
                var socket = tls(server, ATTACKER)) {
            var out = socket.getOutputStream();
            out.write(("POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(500);
            long start = System.nanoTime();
            var answer = new StringBuilder();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(6)) {
                if (readSome(socket.getInputStream(), answer) < 0 || answer.indexOf("}") >= 0) {
                    break;
                }
                try {
                    out.write(' '); // one byte every half second: steady, never idle, never done
                    out.flush();
                } catch (IOException closed) {
                    readSome(socket.getInputStream(), answer);
                    break;
                }
            }
            var elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer.toString()).startsWith("HTTP/1.1 408").contains("\"error\":\"request_timeout\"");
            assertThat(elapsed).isBetween(Duration.ofMillis(1_500), Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionThatNeverFinishesItsHeadersIsClosedAtTheHeaderDeadline() throws Exception {
        var limits = new HttpServer.Limits(64, Duration.ofSeconds(2), Duration.ofSeconds(10));
        try (var server = TestServer.https(dir, limits);
                var socket = tls(server, ATTACKER)) {
            var out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(500);
            assertThat(trickleUntilClosed(socket)).as("closed by the server").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aKeptAliveConnectionThatTricklesItsNextRequestIsClosedAtTheHeaderDeadlineToo() throws Exception {
        var limits = new HttpServer.Limits(64, Duration.ofSeconds(2), Duration.ofSeconds(10));
        try (var server = TestServer.https(dir, limits);
                var socket = tls(server, ATTACKER)) {
            var out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(500);
            var first = new StringBuilder();
            while (first.indexOf("}") < 0 && readSome(socket.getInputStream(), first) >= 0) {
                // the first answer, quickly
            }
            assertThat(first.toString()).startsWith("HTTP/1.1 200");
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            assertThat(trickleUntilClosed(socket))
                    .as("one quick request buys no right to trickle the next")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void largeBodiesOverTheBudgetGet503WhileSmallOnesAndSignInsStillPass() throws Exception {
        // A budget of three large bodies: the fourth half-sent one is refused, a sign-in (a small body) is not.
        var limits = new HttpServer.Limits(64, Duration.ofSeconds(10), Duration.ofSeconds(10), 3 * 60_000);
        try (var server = TestServer.https(dir, limits);
                var attack = new SlowAttack(server)) {
            var half = "x".repeat(60_000);
            for (int i = 0; i < 3; i++) {
                attack.open(
                        ATTACKER,
                        "POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                + "application/json\r\nContent-Length: 65000\r\n\r\n" + half);
            }
            Thread.sleep(500);
            var refused = request(
                    server,
                    ATTACKER,
                    "POST /api/session HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 65000\r\n\r\n" + half);
            assertThat(refused).startsWith("HTTP/1.1 503").contains("\"error\":\"busy\"");
            var body = "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}";
            assertThat(request(
                            server,
                            BYSTANDER,
                            "POST /api/session HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: " + body.length()
                                    + "\r\nConnection: close"
                                    + "\r\n\r\n" + body))
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void oneAddressHoldsNoMoreThanItsShareOfConnectionsWhileOthersConnectFreely() throws Exception {
        var limits = new HttpServer.Limits(20, Duration.ofSeconds(30), Duration.ofSeconds(30));
        try (var server = TestServer.https(dir, limits);
                var attack = new SlowAttack(server)) {
            for (int i = 0; i < 200; i++) {
                attack.openPlainTcp(ATTACKER);
            }
            attack.trickle(Duration.ofSeconds(1));
            assertThat(attack.stillOpen())
                    .as("over the cap, closed as accepted")
                    .isLessThanOrEqualTo(20);
            var health = request(server, BYSTANDER, HEALTH_CHECK);
            assertThat(health).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aClosedConnectionGivesItsPlaceBackSoAClientMayConnectAgainAndAgain() throws Exception {
        var limits = new HttpServer.Limits(3, Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (var server = TestServer.https(dir, limits)) {
            for (int i = 0; i < 30; i++) {
                assertThat(request(server, BYSTANDER, HEALTH_CHECK))
                        .as("connection " + i)
                        .startsWith("HTTP/1.1 200");
            }
        }
    }

    /** Many connections from one address, each sent a byte now and then. */
    private static final class SlowAttack implements AutoCloseable {
        private final TestServer server;
        private final List<Socket> sockets = new ArrayList<>();
        private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(8);

        SlowAttack(TestServer server) {
            this.server = server;
        }

        /** A TLS connection that has sent {@code start} and will send one more byte per {@link #trickle}. */
        void open(InetAddress from, String start) throws Exception {
            var socket = tls(server, from);
            socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            sockets.add(socket);
        }

        /** A TCP connection that sends nothing (no handshake either). */
        void openPlainTcp(InetAddress from) throws IOException {
            var socket = new Socket();
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(ATTACKER, server.port()), 2_000);
            sockets.add(socket);
        }

        /** Waits, then writes one byte to each connection, dropping those the server has closed. */
        void trickle(Duration wait) throws Exception {
            Thread.sleep(wait.toMillis());
            var futures = new ArrayList<java.util.concurrent.Future<Boolean>>();
            for (var socket : sockets) {
                futures.add(pool.submit(() -> alive(socket)));
            }
            var alive = new ArrayList<Socket>();
            for (int i = 0; i < sockets.size(); i++) {
                if (futures.get(i).get(10, TimeUnit.SECONDS)) {
                    alive.add(sockets.get(i));
                }
            }
            sockets.retainAll(alive);
        }

        int stillOpen() {
            return sockets.size();
        }

        private static boolean alive(Socket socket) {
            try {
                socket.setSoTimeout(200);
                if (!(socket instanceof SSLSocket)) {
                    // A closed TCP connection reads end-of-stream (or a reset); an open one times out.
                    return socket.getInputStream().read() >= 0;
                }
                socket.getOutputStream().write(' ');
                socket.getOutputStream().flush();
                return socket.getInputStream().read() >= 0;
            } catch (SocketTimeoutException stillWaiting) {
                return true;
            } catch (IOException closed) {
                return false;
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
            for (var socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private record Timed(String response, Duration elapsed) {}

    private interface Call {
        String run() throws Exception;
    }

    private static Timed timed(Call call) throws Exception {
        long start = System.nanoTime();
        var response = call.run();
        return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One request on a new TLS connection from {@code from}, its whole answer (the server closes after it). */
    private static String request(TestServer server, InetAddress from, String request) throws Exception {
        try (var socket = tls(server, from)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SSLSocket tls(TestServer server, InetAddress from) throws IOException {
        var socket = (SSLSocket) server.sslContext().getSocketFactory().createSocket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(ATTACKER, server.port()), 5_000);
        socket.startHandshake();
        return socket;
    }

    /**
     * Sends one header byte every half second until the server closes the connection; how long that took, or a
     * duration over every bound when it was still open after eight seconds.
     */
    private static Duration trickleUntilClosed(SSLSocket socket) throws IOException {
        var out = socket.getOutputStream();
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
            try {
                out.write('a');
                out.flush();
                if (readSome(socket.getInputStream(), new StringBuilder()) < 0) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (IOException closed) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
        return Duration.ofDays(1);
    }

    /** Reads what has arrived into {@code into}; -1 at end of stream, 0 when nothing came in time. */
    private static int readSome(InputStream in, StringBuilder into) throws IOException {
        var buffer = new byte[4096];
        try {
            int n = in.read(buffer);
            if (n > 0) {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return n;
        } catch (SocketTimeoutException nothingYet) {
            return 0;
        }
    }

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
