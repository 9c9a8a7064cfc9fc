package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three real {@code serve} processes on one PostgreSQL database of the test's own, behind a real HAProxy started
 * from {@code deploy/haproxy/haproxy.cfg}, round-robin: they behave as one server. Run with the database as the
 * shared state (its default) and again with Redis; the nodes are started once per class, and each test uses users
 * and client addresses of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterContract {
    static final String PASSWORD = "correct horse battery staple";
    static final Duration WITHIN = Duration.ofMillis(100);

    Path dir;
    dev.latchkey.testing.TestDatabase db;
    ServeNodes serve;
    List<ServeNodes.Node> nodes;
    Balancer balancer;
    final Http http = new Http();

    /** Settings for every node beyond the database ({@code LATCHKEY_*}). */
    abstract Map<String, String> sharedState() throws Exception;

    @BeforeAll
    void startCluster() throws Exception {
        dir = Files.createTempDirectory("latchkey-cluster");
        db = dev.latchkey.testing.TestDatabase.postgres();
        var env = new HashMap<>(sharedState());
        // A provider whose token endpoint refuses connections: each code costs one failed call (502), which is all
        // the single-use tests need.
        env.put("LATCHKEY_SOCIAL_GH_TYPE", "github");
        env.put("LATCHKEY_SOCIAL_GH_CLIENT_ID", "latchkey");
        env.put("LATCHKEY_SOCIAL_GH_CLIENT_SECRET", "not-a-secret");
        env.put("LATCHKEY_SOCIAL_GH_REDIRECT_URIS", "https://app.example/cb");
        env.put("LATCHKEY_SOCIAL_GH_TOKEN_ENDPOINT", "http://127.0.0.1:" + ServeNodes.freePort() + "/token");
        env.put("LATCHKEY_SOCIAL_GH_TIMEOUT", "2s");
        serve = new ServeNodes(dir, db.url().jdbcUrl(), env);
        for (var name : List.of("alice", "bob", "carol", "dave", "erin")) {
            assertThat(serve.command(PASSWORD, "user", "create", name, "--password-stdin"))
                    .startsWith("0 ");
        }
        nodes = serve.start(3);
        balancer = Balancer.haproxy(dir, nodes);
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        if (serve != null) {
            serve.close();
        }
        if (db != null) {
            db.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aSessionMadeThroughOneNodeWorksOnAllAndItsSignOutIsRefusedEverywhereWithin100Ms() throws Exception {
        var signIn = http.post(
                balancer.uri().resolve("api/session"),
                Http.credentials("alice", PASSWORD),
                "X-Forwarded-For",
                "198.51.100.1");
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        var cookie = "lk_session=" + signIn.cookie("lk_session").orElseThrow();
        var csrf = signIn.field("csrf_token");
        for (var node : nodes) {
            assertThat(http.get(node.uri().resolve("api/me"), "Cookie", cookie).status())
                    .as("node " + node.port)
                    .isEqualTo(200);
        }
        var out = http.send(
                "DELETE",
                nodes.get(0).uri().resolve("api/session"),
                null,
                "Cookie",
                cookie + "; lk_csrf=" + signIn.cookie("lk_csrf").orElseThrow(),
                "X-CSRF-Token",
                csrf);
        assertThat(out.status()).as(out.body()).isLessThan(300);
        assertEachWithin(n -> status(n, "api/me", "Cookie", cookie) == 401, "refused on the other nodes");
    }

    @Test
    void aPasswordChangedOnOneMachineEndsTheSessionsOnEveryNode() throws Exception {
        var signIn = http.post(
                nodes.get(0).uri().resolve("api/session"),
                Http.credentials("bob", PASSWORD),
                "X-Forwarded-For",
                "198.51.100.2");
        var cookie = "lk_session=" + signIn.cookie("lk_session").orElseThrow();
        for (var node : nodes) {
            assertThat(status(node, "api/me", "Cookie", cookie)).isEqualTo(200);
        }
        assertThat(serve.command("another horse battery staple", "user", "set-password", "bob", "--password-stdin"))
                .startsWith("0 ");
        assertEachWithin(n -> status(n, "api/me", "Cookie", cookie) == 401, "ended on every node");
    }

    @Test
    void anApiTokenRevokedOnOneNodeIsRefusedOnAnotherAtOnce() throws Exception {
        var made = http.post(
                nodes.get(0).uri().resolve("api/tokens"),
                Http.credentials("carol", PASSWORD),
                "X-Forwarded-For",
                "198.51.100.3");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        var token = "Token " + made.field("token");
        var id = made.body().replaceAll(".*\"id\"\\s*:\\s*(\\d+).*", "$1");
        assertThat(status(nodes.get(1), "api/me", "Authorization", token)).isEqualTo(200);
        var revoked = http.send("DELETE", nodes.get(0).uri().resolve("api/tokens/" + id), null, "Authorization", token);
        assertThat(revoked.status()).as(revoked.body()).isLessThan(300);
        assertEachWithin(n -> status(n, "api/me", "Authorization", token) == 401, "refused on the other nodes");
    }

    @Test
    void thirtyWrongPasswordsSpreadOverTheNodesFromOneAddressAreThrottledAsOnOne() throws Exception {
        var outcomes = new HashMap<Integer, Integer>();
        for (int i = 0; i < 30; i++) {
            var answer = http.post(
                    balancer.uri().resolve("api/session"),
                    Http.credentials("nobody" + i, "wrong"),
                    "X-Forwarded-For",
                    "198.51.100.4");
            outcomes.merge(answer.status(), 1, Integer::sum);
        }
        assertThat(outcomes)
                .as("the address rule, 10 failures a minute, across three nodes")
                .isEqualTo(Map.of(401, 10, 429, 20));
    }

    @Test
    void aHundredGuessesAtOnceThroughTheBalancerGetTheBudgetOfOneServer() throws Exception {
        var outcomes = parallel(
                100,
                i -> http.post(
                                balancer.uri().resolve("api/jwt"),
                                Http.credentials("dave", "wrong" + i),
                                "X-Forwarded-For",
                                "198.51.100.5")
                        .status());
        assertThat(outcomes.get(401))
                .as("hashed guesses, whichever node took them")
                .isEqualTo(5);
        assertThat(outcomes.get(429)).isEqualTo(95);
    }

    @Test
    void anAppCodeUsedOnOneNodeIsRefusedOnAnother() throws Exception {
        var body = "{\"code\":\"code-1\",\"redirect_uri\":\"https://app.example/cb\",\"code_verifier\":\"v\"}";
        var first = http.post(nodes.get(0).uri().resolve("api/social/gh"), body, "X-Forwarded-For", "198.51.100.6");
        assertThat(first.status())
                .as("the provider was asked (and failed): " + first.body())
                .isEqualTo(502);
        var again = http.post(nodes.get(1).uri().resolve("api/social/gh"), body, "X-Forwarded-For", "198.51.100.6");
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.body()).contains("used already");
    }

    @Test
    void anOAuthStateUsedOnOneNodeIsRefusedOnAnother() throws Exception {
        var start = http.get(nodes.get(0).uri().resolve("login/gh?next=/"), "X-Forwarded-For", "198.51.100.7");
        assertThat(start.status()).isEqualTo(302);
        var state = start.header("Location").orElseThrow().replaceAll(".*[?&]state=([^&]+).*", "$1");
        var cookie = "lk_social=" + start.cookie("lk_social").orElseThrow();
        var callback = "login/gh/callback?code=c&state=" + state;
        var first = http.get(nodes.get(0).uri().resolve(callback), "Cookie", cookie, "X-Forwarded-For", "198.51.100.7");
        assertThat(first.status())
                .as("the state is accepted and the provider asked")
                .isEqualTo(502);
        var again = http.get(nodes.get(2).uri().resolve(callback), "Cookie", cookie, "X-Forwarded-For", "198.51.100.7");
        assertThat(again.status()).as("the same state on another node").isEqualTo(400);
    }

    @Test
    void aKeyRotatedOnOneMachineSignsEverywhereAndVerifiesOnTheOthers() throws Exception {
        var rotated = serve.command("", "keys", "rotate");
        assertThat(rotated).startsWith("0 ");
        var kid = rotated.replaceAll("(?s).*new signing key (\\S+) .*", "$1");
        for (var node : nodes) {
            var pair = http.post(
                    node.uri().resolve("api/jwt"),
                    Http.credentials("erin", PASSWORD),
                    "X-Forwarded-For",
                    "198.51.100.8");
            assertThat(pair.status()).as(pair.body()).isEqualTo(200);
            var access = pair.field("access");
            var header = new String(
                    java.util.Base64.getUrlDecoder().decode(access.substring(0, access.indexOf('.'))),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(header)
                    .as("node " + node.port + " signs with the new key")
                    .contains(kid);
            for (var other : nodes) {
                assertThat(http.post(other.uri().resolve("api/jwt/verify"), "{\"token\":\"" + access + "\"}")
                                .status())
                        .isEqualTo(200);
            }
        }
    }

    int status(ServeNodes.Node node, String path, String... headers) {
        try {
            return http.get(node.uri().resolve(path), headers).status();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Asks every node at once, each on a thread of its own, until {@code refused} holds for it; fails unless it held on
     * each within 100 ms of now (the time of an HTTP request to the node included).
     */
    void assertEachWithin(java.util.function.Predicate<ServeNodes.Node> refused, String what) throws Exception {
        var start = System.nanoTime();
        var took = new ConcurrentHashMap<Integer, Duration>();
        var threads = new ArrayList<Thread>();
        for (var node : nodes) {
            var thread = new Thread(() -> {
                // A request, then a millisecond's rest: spinning threads here would take the two cores from the nodes
                // whose speed is measured.
                while (!refused.test(node)
                        && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                took.put(node.port, Duration.ofNanos(System.nanoTime() - start));
            });
            thread.start();
            threads.add(thread);
        }
        for (var thread : threads) {
            thread.join();
        }
        for (var node : nodes) {
            assertThat(refused.test(node)).as(what + ": node " + node.port).isTrue();
        }
        assertThat(took.values())
                .as(what + " within " + WITHIN.toMillis() + " ms, each node: " + took)
                .allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(WITHIN));
    }

    @FunctionalInterface
    interface Call {
        int run(int index) throws Exception;
    }

    /** Runs {@code n} calls at once; counts their answers by status (-1: no answer). */
    static Map<Integer, Integer> parallel(int n, Call call) throws Exception {
        var pool = Executors.newFixedThreadPool(n);
        var start = new CountDownLatch(1);
        var outcomes = new ConcurrentHashMap<Integer, Integer>();
        try {
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    int status;
                    try {
                        status = call.run(index);
                    } catch (Exception e) {
                        status = -1;
                    }
                    outcomes.merge(status, 1, Integer::sum);
                    return null;
                }));
            }
            start.countDown();
            for (var f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }
}
