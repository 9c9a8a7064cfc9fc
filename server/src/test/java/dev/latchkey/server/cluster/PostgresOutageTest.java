package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.Latchkey;
import dev.latchkey.password.Argon2Settings;
import dev.latchkey.server.web.WebApp;
import dev.latchkey.server.web.http.HttpServer;
import dev.latchkey.server.web.http.TrustedProxies;
import dev.latchkey.session.SessionSettings;
import dev.latchkey.store.Database;
import dev.latchkey.store.DatabaseUrl;
import dev.latchkey.testing.TestDatabase;
import dev.latchkey.user.NewUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL cut off under a running node (a TCP relay between them that the test breaks and mends): what needs the
 * database answers 503 and so does {@code /readyz}, cached reads answer until their TTL, and all is well again once
 * the database is back, without a restart.
 */
class PostgresOutageTest {
    private static final String PASSWORD = "correct horse battery staple";

    private TestDatabase db;
    private Relay relay;
    private Latchkey latchkey;
    private HttpServer server;
    private final Http http = new Http();

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.postgres();
        relay = new Relay(5432);
        var url = DatabaseUrl.parse(db.url().jdbcUrl().replace(":5432/", ":" + relay.port() + "/"));
        latchkey = Latchkey.builder(Database.open(url))
                .argon2(new Argon2Settings(1024, 2, 1, 32))
                .instanceSecret(new byte[32])
                .sessions(new SessionSettings(
                        Duration.ofDays(14), Duration.ofDays(30), false, Duration.ofMinutes(1), Duration.ofSeconds(30)))
                .build();
        latchkey.users().create(NewUser.named("alice"), Optional.of(PASSWORD));
        var proxies = TrustedProxies.of(List.of());
        server = new HttpServer("127.0.0.1", 0, null, null, HttpServer.Limits.DEFAULT, proxies);
        server.start(WebApp.handler(latchkey, proxies));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        latchkey.close();
        relay.close();
        db.close();
    }

    @Test
    void withTheDatabaseUnreachableWhatNeedsItAnswers503AndReadinessToo() throws Exception {
        var base = server.uri();
        var signIn = http.post(base.resolve("api/session"), Http.credentials("alice", PASSWORD));
        assertThat(signIn.status()).isEqualTo(200);
        var cookie = "lk_session=" + signIn.cookie("lk_session").orElseThrow();
        assertThat(http.get(base.resolve("api/me"), "Cookie", cookie).status()).isEqualTo(200);

        relay.cut();
        assertThat(http.get(base.resolve("api/me"), "Cookie", cookie).status())
                .as("a cached read answers until its TTL")
                .isEqualTo(200);
        var ready = CompletableFuture.supplyAsync(() -> status(base.resolve("readyz")));
        var another = http.post(base.resolve("api/session"), Http.credentials("alice", PASSWORD));
        assertThat(another.status()).as(another.body()).isEqualTo(503);
        assertThat(another.body()).contains("store_unavailable");
        assertThat(ready.get()).as("not ready without the database").isEqualTo(503);
        assertThat(status(base.resolve("healthz"))).as("but alive").isEqualTo(200);

        relay.mend();
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (status(base.resolve("readyz")) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(status(base.resolve("readyz"))).isEqualTo(200);
        assertThat(http.post(base.resolve("api/session"), Http.credentials("alice", PASSWORD))
                        .status())
                .as("back without a restart")
                .isEqualTo(200);
    }

    private int status(URI uri) {
        try {
            return http.get(uri).status();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }

    /** A TCP relay to a local port that can be cut (every connection closed, new ones refused) and mended. */
    private static final class Relay implements AutoCloseable {
        private final int target;
        private final int port;
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private volatile ServerSocket listening;

        Relay(int target) throws IOException {
            this.target = target;
            this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.port = listening.getLocalPort();
            accept(listening);
        }

        int port() {
            return port;
        }

        private void accept(ServerSocket socket) {
            var thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        var client = socket.accept();
                        var upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        open.add(client);
                        open.add(upstream);
                        pump(client.getInputStream(), upstream.getOutputStream());
                        pump(upstream.getInputStream(), client.getOutputStream());
                    } catch (IOException e) {
                        // closed, or cut
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        private static void pump(InputStream in, OutputStream out) {
            var thread = new Thread(() -> {
                try (in;
                        out) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // one side went
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void cut() throws IOException {
            listening.close();
            for (var socket : open) {
                socket.close();
            }
            open.clear();
        }

        void mend() throws IOException {
            listening = new ServerSocket();
            listening.setReuseAddress(true);
            listening.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            accept(listening);
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }
}
