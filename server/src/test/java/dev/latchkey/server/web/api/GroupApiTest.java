package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.store.JdbcGroupStore;
import dev.latchkey.user.NewUser;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Groups over real HTTPS: the staff API, and a change showing in the user's next request (cookie, token,
 * forward-auth) and next access token; hostile names never split wrongly in {@code X-Auth-Groups}.
 */
class GroupApiTest extends ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("Ops, on call", "editors", "관리자", "a%2Cb");
    private static String staff;

    @BeforeAll
    static void staffMember() {
        var boss = server.latchkey()
                .users()
                .create(new NewUser("boss", "", true, false), Optional.of(TestServer.PASSWORD));
        staff = "Token "
                + server.latchkey()
                        .apiTokens()
                        .createByOperator(boss.id(), "admin", Optional.empty())
                        .key();
    }

    @Test
    void aChangeByStaffShowsInTheNextRequestAndTheNextAccessToken() throws Exception {
        var client = server.client();
        for (var name : NAMES) {
            var created = client.postJson("/api/groups", "{\"name\":" + JSON.writeValueAsString(name) + "}", auth());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(json(created).get("name").asText()).isEqualTo(name);
        }
        var alice = server.client();
        alice.signIn();
        var obtained = server.client()
                .postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(obtained.statusCode()).as(obtained.body()).isEqualTo(200);
        var pair = json(obtained);
        assertThat(json(alice.get("/api/me")).get("groups")).isEmpty();
        assertThat(claimGroups(pair.get("access").asText())).isEmpty();
        var aliceId = json(alice.get("/api/me")).get("id").asLong();

        var set = put("/api/users/" + aliceId + "/groups", "{\"groups\":" + JSON.writeValueAsString(NAMES) + "}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        var sorted = NAMES.stream().sorted().toList();
        assertThat(names(json(set).get("groups"))).isEqualTo(sorted);

        // The very next request by cookie, by forward-auth, and the next access token: no wait for a cache.
        assertThat(names(json(alice.get("/api/me")).get("groups"))).isEqualTo(sorted);
        var verify = alice.get("/auth/verify");
        assertThat(verify.statusCode()).isEqualTo(200);
        var header = verify.headers().firstValue("x-auth-groups").orElseThrow();
        assertThat(header).isEqualTo("Ops%2C%20on%20call,a%252Cb,editors,%EA%B4%80%EB%A6%AC%EC%9E%90");
        assertThat(Arrays.stream(header.split(",", -1))
                        .map(part -> URLDecoder.decode(part, StandardCharsets.UTF_8))
                        .toList())
                .isEqualTo(sorted);
        var refreshed = json(alice.postJson(
                "/api/jwt/refresh", "{\"refresh\":\"" + pair.get("refresh").asText() + "\"}"));
        assertThat(claimGroups(refreshed.get("access").asText())).isEqualTo(sorted);
        var byJwt = alice.get(
                "/auth/verify",
                "Authorization",
                "Bearer " + refreshed.get("access").asText());
        assertThat(byJwt.headers().firstValue("x-auth-groups")).hasValue(header);

        assertThat(json(client.get("/api/users/" + aliceId + "/groups", auth())).get("groups"))
                .hasSize(NAMES.size());
        long editors = 0;
        int ours = 0;
        for (var g : json(client.get("/api/groups", auth())).get("groups")) {
            if (NAMES.contains(g.get("name").asText())) {
                ours++;
                assertThat(g.get("members").asInt()).isEqualTo(1);
            }
            if (g.get("name").asText().equals("editors")) {
                editors = g.get("id").asLong();
            }
        }
        assertThat(ours).isEqualTo(NAMES.size());

        // A deleted group leaves everyone at once.
        assertThat(client.delete("/api/groups/" + editors, auth()).statusCode()).isEqualTo(204);
        assertThat(names(json(alice.get("/api/me")).get("groups"))).doesNotContain("editors");
        assertThat(alice.get("/auth/verify").headers().firstValue("x-auth-groups"))
                .hasValue("Ops%2C%20on%20call,a%252Cb,%EA%B4%80%EB%A6%AC%EC%9E%90");
    }

    @Test
    void aChangeByAnotherProcessShowsWithinTheCacheTime() throws Exception {
        var user = server.latchkey()
                .users()
                .create(new NewUser("carol", "", false, false), Optional.of(TestServer.PASSWORD));
        var token = "Token "
                + server.latchkey()
                        .apiTokens()
                        .createByOperator(user.id(), "t", Optional.empty())
                        .key();
        var client = server.client();
        assertThat(json(client.get("/api/me", "Authorization", token)).get("groups"))
                .isEmpty();
        // Written as the command line or another node would: straight to the database, past this process's cache.
        var store = new JdbcGroupStore(server.latchkey().database());
        var group = store.insert("night shift", Instant.now());
        store.replaceMemberships(user.id(), List.of(group.id()));
        var deadline = Instant.now().plus(Duration.ofSeconds(5));
        JsonNode groups;
        do {
            Thread.sleep(100);
            groups = json(client.get("/api/me", "Authorization", token)).get("groups");
        } while (groups.isEmpty() && Instant.now().isBefore(deadline));
        assertThat(names(groups)).containsExactly("night shift");
    }

    @Test
    void badInputGetsAClearErrorAndOnlyStaffMayCall() throws Exception {
        var client = server.client();
        assertError(client.postJson("/api/groups", "{\"name\":\"a\\nb\"}", auth()), 400, "invalid_group");
        assertError(client.postJson("/api/groups", "{\"name\":\"rtl\\u202e\"}", auth()), 400, "invalid_group");
        assertError(client.postJson("/api/groups", "{\"name\":\" padded\"}", auth()), 400, "invalid_group");
        assertError(
                client.postJson("/api/groups", "{\"name\":\"" + "x".repeat(151) + "\"}", auth()), 400, "invalid_group");
        assertError(client.postJson("/api/groups", "{\"name\":5}", auth()), 400, "invalid_field");
        assertError(client.postJson("/api/groups", "{}", auth()), 400, "missing_field");
        assertThat(client.postJson("/api/groups", "{\"name\":\"twice\"}", auth())
                        .statusCode())
                .isEqualTo(201);
        assertError(client.postJson("/api/groups", "{\"name\":\"twice\"}", auth()), 409, "group_exists");
        var aliceId = server.latchkey().users().find("alice").orElseThrow().id();
        var path = "/api/users/" + aliceId + "/groups";
        assertError(put(path, "{\"groups\":\"twice\"}"), 400, "invalid_field");
        assertError(put(path, "{\"groups\":[1]}"), 400, "invalid_field");
        assertError(put(path, "{\"groups\":[\"twice\",\"nobody-has-this\"]}"), 404, "no_such_group");
        assertError(put(path, "{\"groups\":[\"a\\u0000b\"]}"), 400, "invalid_group");
        assertError(put("/api/users/abc/groups", "{\"groups\":[]}"), 404, "no_such_user");
        assertError(put("/api/users/99999999/groups", "{\"groups\":[]}"), 404, "no_such_user");
        assertError(client.delete("/api/groups/xyz", auth()), 404, "no_such_group");

        var alice = server.client();
        alice.signIn();
        assertError(alice.get("/api/groups"), 403, "permission_denied");
        assertError(server.client().get("/api/groups"), 401, "not_authenticated");
    }

    private static HttpResponse<String> put(String path, String body) {
        var client = server.client();
        return client.send(client.builder(path, auth())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String[] auth() {
        return new String[] {"Authorization", staff};
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).startsWith("{\"error\":\"" + code + "\"");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static List<String> names(JsonNode array) {
        var out = new java.util.ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> claimGroups(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet().getStringListClaim("groups");
    }
}
