package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.redis.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The same cluster with Redis as the shared state, a redis-server of this test's own on a port of its own (never the
 * machine's): and Redis stopped and started again under it.
 */
class HaproxyRedisClusterTest extends ClusterContract {
    private TestRedis redis;

    @Override
    Map<String, String> sharedState() throws Exception {
        redis = TestRedis.own();
        return Map.of("LATCHKEY_REDIS_URL", redis.url(), "LATCHKEY_REDIS_KEY_PREFIX", "cluster:");
    }

    @AfterAll
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void withRedisStoppedSignInsGoOnNodesStayReadyAndSingleUseRefusesThenAllRecoverWithoutARestart() throws Exception {
        var code = "{\"code\":\"outage\",\"redirect_uri\":\"https://app.example/cb\",\"code_verifier\":\"v\"}";
        redis.stop();
        try {
            for (int i = 0; i < 3; i++) {
                var signIn = http.post(
                        balancer.uri().resolve("api/session"),
                        Http.credentials("carol", PASSWORD),
                        "X-Forwarded-For",
                        "198.51.100.40");
                assertThat(signIn.status())
                        .as("sign-ins go on: " + signIn.body())
                        .isEqualTo(200);
            }
            for (var node : nodes) {
                assertThat(status(node, "readyz"))
                        .as("Redis away does not make a node unready")
                        .isEqualTo(200);
            }
            var refused =
                    http.post(nodes.get(0).uri().resolve("api/social/gh"), code, "X-Forwarded-For", "198.51.100.41");
            assertThat(refused.status())
                    .as("single use fails closed: " + refused.body())
                    .isEqualTo(503);
        } finally {
            redis.start();
        }
        // Each node's Redis client reconnects on its own backoff: wait for each one, not only for the first.
        var first = untilRedisAnswers(0, code);
        assertThat(first.status())
                .as("back without a restart: the provider is asked")
                .isEqualTo(502);
        var again = untilRedisAnswers(1, code);
        assertThat(again.body()).as("and single use holds across nodes again").contains("used already");
    }

    /** Posts the code to one node until its store answers again (a 503 consumes nothing), for at most 15 s. */
    private Http.Answer untilRedisAnswers(int node, String code) throws Exception {
        var deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        Http.Answer answer;
        do {
            Thread.sleep(100);
            answer =
                    http.post(nodes.get(node).uri().resolve("api/social/gh"), code, "X-Forwarded-For", "198.51.100.42");
        } while (answer.status() == 503 && System.nanoTime() < deadline);
        return answer;
    }
}
