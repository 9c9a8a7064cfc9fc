package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three serve processes behind a real nginx configured from {@code deploy/nginx/nginx.conf}: a session works through
 * it on every node, its sign-out holds on every node, and a node killed is skipped without a failed request.
 */
class NginxClusterTest {
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;

    private TestDatabase db;
    private ServeNodes serve;
    private List<ServeNodes.Node> nodes;
    private Balancer nginx;
    private final Http http = new Http();

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.postgres();
        serve = new ServeNodes(
                Files.createDirectories(dir.resolve("nodes")), db.url().jdbcUrl(), Map.of());
        assertThat(serve.command(PASSWORD, "user", "create", "alice", "--password-stdin"))
                .startsWith("0 ");
        nodes = serve.start(3);
        nginx = Balancer.nginx(dir, nodes);
    }

    @AfterEach
    void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (serve != null) {
            serve.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aSessionWorksThroughNginxOnEveryNodeAndAKilledNodeIsSkipped() throws Exception {
        var signIn = http.post(nginx.uri().resolve("api/session"), Http.credentials("alice", PASSWORD));
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        var cookie = "lk_session=" + signIn.cookie("lk_session").orElseThrow();
        for (var node : nodes) {
            assertThat(http.get(node.uri().resolve("api/me"), "Cookie", cookie).status())
                    .isEqualTo(200);
        }
        ServeNodes.kill(nodes.get(0));
        var answers = new HashMap<Integer, Integer>();
        for (int i = 0; i < 30; i++) {
            answers.merge(
                    http.get(nginx.uri().resolve("api/me"), "Cookie", cookie).status(), 1, Integer::sum);
        }
        assertThat(answers).as("every request answered by a live node").isEqualTo(Map.of(200, 30));

        var second = http.post(nginx.uri().resolve("api/session"), Http.credentials("alice", PASSWORD));
        var other = "lk_session=" + second.cookie("lk_session").orElseThrow();
        var out = http.send(
                "DELETE",
                nginx.uri().resolve("api/session"),
                null,
                "Cookie",
                other + "; lk_csrf=" + second.cookie("lk_csrf").orElseThrow(),
                "X-CSRF-Token",
                second.field("csrf_token"));
        assertThat(out.status()).as(out.body()).isLessThan(300);
        for (var node : nodes.subList(1, 3)) {
            assertThat(http.get(node.uri().resolve("api/me"), "Cookie", other).status())
                    .as("signed out through nginx, refused on node " + node.port)
                    .isEqualTo(401);
        }
    }
}
