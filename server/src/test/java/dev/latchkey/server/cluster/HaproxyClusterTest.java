package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cluster on PostgreSQL alone (counters, single use and invalidations in the database, the default), and what
 * happens to a node that dies or is stopped under load: these two run last, as they take nodes away.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyClusterTest extends ClusterContract {
    @Override
    Map<String, String> sharedState() {
        return Map.of();
    }

    /** What one client under load acknowledged: sessions, and the newest refresh token of each family. */
    private record Acknowledged(List<String> sessions, Map<String, String> refreshTokens, AtomicInteger errors) {}

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aNodeKilledUnderLoadFailsOverAndNoAcknowledgedSessionOrRefreshTokenIsLost() throws Exception {
        var done = new AtomicBoolean();
        var acknowledged =
                new Acknowledged(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>(), new AtomicInteger());
        var afterKill = new AtomicInteger();
        var killed = new AtomicBoolean();
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 4; t++) {
            var address = "198.51.100." + (20 + t);
            var thread = new Thread(() -> load(address, done, acknowledged, killed, afterKill));
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(1_000);
        ServeNodes.kill(nodes.get(2));
        killed.set(true);
        // Long enough for the survivors to answer a good number, however busy the machine is.
        var deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Thread.sleep(2_000);
        while (afterKill.get() <= 10 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        done.set(true);
        for (var thread : threads) {
            thread.join(30_000);
        }
        assertThat(afterKill.get())
                .as("refreshes answered after the kill: HAProxy failed over")
                .isGreaterThan(10);
        assertThat(acknowledged.errors().get())
                .as("at most the requests in flight on the killed node")
                .isLessThanOrEqualTo(4);
        assertThat(acknowledged.sessions()).isNotEmpty();
        for (var cookie : acknowledged.sessions()) {
            assertThat(http.get(balancer.uri().resolve("api/me"), "Cookie", cookie)
                            .status())
                    .as("an acknowledged session")
                    .isEqualTo(200);
        }
        for (var refresh : acknowledged.refreshTokens().values()) {
            var next = http.post(balancer.uri().resolve("api/jwt/refresh"), "{\"refresh\":\"" + refresh + "\"}");
            assertThat(next.status())
                    .as("an acknowledged refresh token: " + next.body())
                    .isEqualTo(200);
        }
    }

    /** Signs in (a session and a token pair) and refreshes, again and again, through the balancer. */
    private void load(
            String address,
            AtomicBoolean done,
            Acknowledged acknowledged,
            AtomicBoolean killed,
            AtomicInteger afterKill) {
        var lb = balancer.uri();
        while (!done.get()) {
            String family = null;
            try {
                var session = http.post(
                        lb.resolve("api/session"), Http.credentials("erin", PASSWORD), "X-Forwarded-For", address);
                if (session.status() == 200) {
                    acknowledged
                            .sessions()
                            .add("lk_session=" + session.cookie("lk_session").orElseThrow());
                } else {
                    acknowledged.errors().incrementAndGet();
                }
                var pair = http.post(
                        lb.resolve("api/jwt"), Http.credentials("erin", PASSWORD), "X-Forwarded-For", address);
                if (pair.status() != 200) {
                    acknowledged.errors().incrementAndGet();
                    continue;
                }
                family = pair.field("refresh");
                var refresh = family;
                acknowledged.refreshTokens().put(family, refresh);
                for (int i = 0; i < 3 && !done.get(); i++) {
                    var next = http.post(lb.resolve("api/jwt/refresh"), "{\"refresh\":\"" + refresh + "\"}");
                    if (next.status() != 200) {
                        // Unacknowledged: whether it was spent is unknown, so this family is not checked after.
                        acknowledged.errors().incrementAndGet();
                        acknowledged.refreshTokens().remove(family);
                        break;
                    }
                    refresh = next.field("refresh");
                    acknowledged.refreshTokens().put(family, refresh);
                    if (killed.get()) {
                        afterKill.incrementAndGet();
                    }
                }
            } catch (IOException | RuntimeException e) {
                acknowledged.errors().incrementAndGet();
                if (family != null) {
                    // No answer to a refresh: whether it was spent is unknown.
                    acknowledged.refreshTokens().remove(family);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void sigtermDrainsANodeReadinessFirstThenRequestsInFlightFinishAndNoClientSeesAnError() throws Exception {
        var draining = nodes.get(1);
        var signIn = http.post(
                balancer.uri().resolve("api/session"),
                Http.credentials("erin", PASSWORD),
                "X-Forwarded-For",
                "198.51.100.30");
        var cookie = "lk_session=" + signIn.cookie("lk_session").orElseThrow();
        var done = new AtomicBoolean();
        var answers = new ConcurrentHashMap<Integer, Integer>();
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 3; t++) {
            var thread = new Thread(() -> {
                while (!done.get()) {
                    answers.merge(status(balancer.uri().resolve("api/me"), cookie), 1, Integer::sum);
                }
            });
            thread.start();
            threads.add(thread);
        }
        var body = Http.credentials("erin", PASSWORD).getBytes(StandardCharsets.UTF_8);
        try (var inFlight = new Socket(java.net.InetAddress.getLoopbackAddress(), draining.port)) {
            inFlight.setSoTimeout(20_000);
            var out = inFlight.getOutputStream();
            out.write(("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "X-Forwarded-For: 198.51.100.31\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(300);

            ServeNodes.terminate(draining);
            var start = System.nanoTime();
            while (status(draining.uri().resolve("readyz"), null) != 503
                    && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                Thread.sleep(5);
            }
            assertThat(status(draining.uri().resolve("readyz"), null))
                    .as("readiness goes first")
                    .isEqualTo(503);
            assertThat(status(draining.uri().resolve("api/me"), cookie))
                    .as("while draining, the node still serves")
                    .isEqualTo(200);

            // Still draining: the rest of the body arrives, and the answer comes whole however the stop goes on.
            Thread.sleep(1_000);
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            // And sign-ins sent straight to the node as the drain ends: each is answered whole, or never accepted.
            Thread.sleep(Math.max(
                    0, 1_900 - Duration.ofNanos(System.nanoTime() - start).toMillis()));
            var late = parallel(20, i -> direct(draining, i));
            // 503: arrived once the stop had begun, refused whole by Jetty's graceful stop (nothing was done).
            assertThat(late.keySet())
                    .as("200, 503 whole, or refused before it was accepted; never cut off")
                    .isSubsetOf(200, 503, -1);
            var response = new String(inFlight.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(response).as("the request in flight finishes").isEqualTo("HTTP/1.1 200");
        }
        assertThat(draining.process.waitFor(15, TimeUnit.SECONDS))
                .as("the node stops")
                .isTrue();
        Thread.sleep(500);
        done.set(true);
        for (var thread : threads) {
            thread.join(30_000);
        }
        assertThat(answers)
                .as("every request through the balancer, during the drain and after")
                .containsOnlyKeys(200);
    }

    /** A sign-in sent straight to a node: its status, -1 when the connection was refused, -3 when it was cut. */
    private int direct(ServeNodes.Node node, int i) throws InterruptedException {
        try {
            return http.post(
                            node.uri().resolve("api/session"),
                            Http.credentials("erin", PASSWORD),
                            "X-Forwarded-For",
                            "198.51.100." + (100 + i))
                    .status();
        } catch (java.net.ConnectException e) {
            return -1;
        } catch (IOException e) {
            return e.getCause() instanceof java.net.ConnectException ? -1 : -3;
        }
    }

    private int status(java.net.URI uri, String cookie) {
        try {
            return cookie == null
                    ? http.get(uri).status()
                    : http.get(uri, "Cookie", cookie).status();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }
}
