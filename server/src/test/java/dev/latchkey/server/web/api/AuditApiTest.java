package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.user.NewUser;
import java.util.HashSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The staff audit API: who may read it, its filters and pages, and its answers to bad parameters. */
class AuditApiTest extends ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void staffReadTheTrailFilteredAndPagedOthersMayNot() throws Exception {
        server.latchkey()
                .users()
                .create(new NewUser("root", "root@example.com", true, true), Optional.of(TestServer.PASSWORD));
        var staff = server.client();
        staff.postJson("/api/session", "{\"username\":\"root\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        for (int i = 0; i < 3; i++) {
            server.client().postJson("/api/session", "{\"username\":\"alice\",\"password\":\"wrong\"}");
        }
        server.client().signIn();

        var alice =
                JSON.readTree(staff.get("/api/audit?user=alice&kind=sign_in").body());
        assertThat(alice.get("events")).hasSize(4);
        assertThat(alice.get("events").get(0).get("outcome").asText())
                .as("newest first")
                .isEqualTo("success");
        assertThat(alice.get("events").get(1).get("reason").asText()).isEqualTo("bad_password");
        assertThat(alice.get("events").get(1).get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(alice.toString()).doesNotContain("wrong").doesNotContain(TestServer.PASSWORD);

        var seen = new HashSet<Long>();
        String cursor = null;
        int pages = 0;
        do {
            var page = JSON.readTree(
                    staff.get("/api/audit?user=alice&limit=2" + (cursor == null ? "" : "&before=" + cursor))
                            .body());
            page.get("events")
                    .forEach(e -> assertThat(seen.add(e.get("id").asLong())).isTrue());
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(4);

        var future =
                JSON.readTree(staff.get("/api/audit?since=2999-01-01T00:00:00Z").body());
        assertThat(future.get("events")).isEmpty();
        var nobody = JSON.readTree(staff.get("/api/audit?user=nobody").body());
        assertThat(nobody.get("events")).isEmpty();

        var plain = server.client();
        plain.signIn();
        assertThat(plain.get("/api/audit").statusCode()).isEqualTo(403);
        assertThat(server.client().get("/api/audit").statusCode()).isEqualTo(401);

        for (var bad : new String[] {
            "limit=0", "limit=501", "limit=x", "before=-1", "since=yesterday", "until=2026-13-01T00:00:00Z"
        }) {
            var response = staff.get("/api/audit?" + bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).startsWith("{\"error\":\"invalid_parameter\"");
        }
    }

    @Test
    void tokenAndSessionActionsLeaveEvents() throws Exception {
        var browser = server.client();
        var csrf = browser.signIn();
        var created = browser.postJson("/api/tokens", "{\"name\":\"ci\"}", "X-CSRF-Token", csrf);
        var id = JSON.readTree(created.body()).get("id").asLong();
        browser.delete("/api/tokens/" + id, "X-CSRF-Token", csrf);
        var other = server.client();
        other.signIn();
        assertThat(browser.delete("/api/sessions", "X-CSRF-Token", csrf).statusCode())
                .isEqualTo(200);
        browser.delete("/api/session", "X-CSRF-Token", csrf);
        var aliceId = server.latchkey().users().find("alice").orElseThrow().id();
        for (var kind : new String[] {"token_created", "token_revoked", "session_ended", "sign_out"}) {
            assertThat(server.latchkey().audit().findRecentByUser(aliceId, kind, 5))
                    .as(kind)
                    .isNotEmpty();
        }
    }
}
