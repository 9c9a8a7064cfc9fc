package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.audit.AuditQuery;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestClient;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.user.NewUser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/clients} over real HTTPS: who may call, each operation, and every hostile body answered with a 4xx. */
class ClientApiTest extends ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CB = "https://app.example.com/cb";
    private static final String GRAFANA = "{\"name\":\"Grafana\",\"redirect_uris\":[\"" + CB + "\"]}";
    private static String staff;
    private static String aliceToken;

    @BeforeAll
    static void callers() {
        var boss = server.latchkey()
                .users()
                .create(new NewUser("boss", "", true, false), Optional.of(TestServer.PASSWORD));
        staff = "Token "
                + server.latchkey()
                        .apiTokens()
                        .createByOperator(boss.id(), "admin", Optional.empty())
                        .key();
        var alice = server.latchkey().users().find("alice").orElseThrow();
        aliceToken = "Token "
                + server.latchkey()
                        .apiTokens()
                        .createByOperator(alice.id(), "t", Optional.empty())
                        .key();
    }

    @Test
    void staffRegistersShowsListsRotatesAndDeletesAClient() throws Exception {
        var client = server.client();
        var created = client.postJson(
                "/api/clients",
                "{\"name\":\"Grafana\",\"redirect_uris\":[\"" + CB + "\",\"http://127.0.0.1/cb\"],"
                        + "\"post_logout_redirect_uris\":[\"https://app.example.com/bye\"],"
                        + "\"first_party\":true,\"backchannel_logout_uri\":\"https://app.example.com/logout\","
                        + "\"grant_types\":[\"authorization_code\"],"
                        + "\"token_endpoint_auth_method\":\"client_secret_post\"}",
                auth());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertNoStore(created);
        var made = json(created);
        var id = made.get("client_id").asText();
        var secret = made.get("client_secret").asText();
        assertThat(id).startsWith("lkc_");
        assertThat(secret).startsWith("lkcs_");
        assertThat(made.get("name").asText()).isEqualTo("Grafana");
        assertThat(made.get("public").asBoolean()).isFalse();
        assertThat(made.get("first_party").asBoolean()).isTrue();
        assertThat(made.get("token_endpoint_auth_method").asText()).isEqualTo("client_secret_post");
        assertThat(strings(made.get("redirect_uris"))).containsExactly(CB, "http://127.0.0.1/cb");
        assertThat(strings(made.get("post_logout_redirect_uris"))).containsExactly("https://app.example.com/bye");
        assertThat(strings(made.get("grant_types"))).containsExactly("authorization_code", "refresh_token");
        assertThat(made.get("backchannel_logout_uri").asText()).isEqualTo("https://app.example.com/logout");
        assertNoHash(created, secret);
        assertThat(server.latchkey().clients().authenticate(id, secret)).isPresent();

        var shown = client.get("/api/clients/" + id, auth());
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        assertThat(json(shown).has("client_secret")).isFalse();
        assertThat(shown.body()).doesNotContain(secret).doesNotContain("secret_hash");
        assertNoHash(shown, secret);
        var listed = client.get("/api/clients", auth());
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(id).doesNotContain(secret).doesNotContain("\"client_secret\"");
        assertNoHash(listed, secret);

        var rotated = client.postJson("/api/clients/" + id + "/secret", "", auth());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertNoStore(rotated);
        var fresh = json(rotated).get("client_secret").asText();
        assertThat(json(rotated).get("client_id").asText()).isEqualTo(id);
        assertThat(fresh).startsWith("lkcs_").isNotEqualTo(secret);
        assertNoHash(rotated, fresh);
        assertThat(server.latchkey().clients().authenticate(id, secret)).isEmpty();
        assertThat(server.latchkey().clients().authenticate(id, fresh)).isPresent();

        var deleted = client.delete("/api/clients/" + id, auth());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertError(client.get("/api/clients/" + id, auth()), 404, "client_not_found");
        assertError(client.delete("/api/clients/" + id, auth()), 404, "client_not_found");
        assertError(client.postJson("/api/clients/" + id + "/secret", "", auth()), 404, "client_not_found");
        assertThat(server.latchkey().clients().authenticate(id, fresh)).isEmpty();
        assertThat(client.get("/api/clients", auth()).body()).doesNotContain(id);

        var audited = server.latchkey().audit().search(new AuditQuery(null, null, null, null, null, 100)).stream()
                .map(e -> e.event())
                .filter(e -> id.equals(e.reason()))
                .toList();
        assertThat(audited.stream().map(e -> e.kind()))
                .containsExactlyInAnyOrder("client_created", "client_secret_rotated", "client_deleted");
        assertThat(audited).allSatisfy(e -> {
            assertThat(e.clientIp()).isEqualTo("127.0.0.1");
            assertThat(e.userAgent()).isNotEmpty();
        });
    }

    @Test
    void aPublicClientGetsNoSecretAndCannotRotateOne() throws Exception {
        var client = server.client();
        var created = client.postJson(
                "/api/clients",
                "{\"name\":\"SPA\",\"public\":true,\"redirect_uris\":[\"http://127.0.0.1/cb\",\"com.example.app:/cb\"]}",
                auth());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var made = json(created);
        assertThat(made.has("client_secret")).isFalse();
        assertThat(made.get("public").asBoolean()).isTrue();
        assertThat(made.get("token_endpoint_auth_method").asText()).isEqualTo("none");
        var id = made.get("client_id").asText();
        assertError(client.postJson("/api/clients/" + id + "/secret", "", auth()), 400, "no_secret");
        assertThat(server.latchkey().clients().find(id).orElseThrow().secretHash())
                .isNull();
    }

    @Test
    void aClientCredentialsClientAndAPrivateKeyJwtClient() throws Exception {
        var client = server.client();
        var service = client.postJson(
                "/api/clients", "{\"name\":\"Backup\",\"grant_types\":[\"client_credentials\"]}", auth());
        assertThat(service.statusCode()).as(service.body()).isEqualTo(201);
        assertThat(strings(json(service).get("grant_types"))).containsExactly("client_credentials");
        assertThat(server.latchkey()
                        .clients()
                        .authenticate(
                                json(service).get("client_id").asText(),
                                json(service).get("client_secret").asText()))
                .isPresent();

        var key = new RSAKeyGenerator(2048).keyID("k1").generate();
        var signer = client.postJson(
                "/api/clients",
                "{\"name\":\"Signer\",\"redirect_uris\":[\"" + CB + "\"],\"token_endpoint_auth_method\":"
                        + "\"private_key_jwt\",\"jwks\":" + new JWKSet(key.toPublicJWK()) + "}",
                auth());
        assertThat(signer.statusCode()).as(signer.body()).isEqualTo(201);
        assertThat(json(signer).has("client_secret")).isFalse();
        assertThat(json(signer).at("/jwks/keys/0/kid").asText()).isEqualTo("k1");
        assertThat(json(signer).at("/jwks/keys/0/n").asText()).isNotEmpty();
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"Leaky\",\"redirect_uris\":[\"" + CB + "\"],\"token_endpoint_auth_method\":"
                                + "\"private_key_jwt\",\"jwks\":" + new JWKSet(key).toString(false) + "}",
                        auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"Remote\",\"redirect_uris\":[\"" + CB + "\"],\"token_endpoint_auth_method\":"
                                + "\"private_key_jwt\",\"jwks_uri\":\"http://keys.example.com/jwks\"}",
                        auth()),
                400,
                "invalid_client_metadata");
    }

    @Test
    void onlyStaffMayCallAndAnonymousCallersMustSignIn() throws Exception {
        var id = json(server.client().postJson("/api/clients", GRAFANA, auth()))
                .get("client_id")
                .asText();
        var alice = server.client();
        var aliceCsrf = alice.signIn();
        for (var caller : List.of(
                new Caller(alice, List.of("X-CSRF-Token", aliceCsrf)),
                new Caller(server.client(), List.of("Authorization", aliceToken)))) {
            assertError(caller.client.get("/api/clients", caller.headers()), 403, "permission_denied");
            assertError(caller.client.get("/api/clients/" + id, caller.headers()), 403, "permission_denied");
            assertError(caller.client.postJson("/api/clients", GRAFANA, caller.headers()), 403, "permission_denied");
            assertError(
                    caller.client.postJson("/api/clients/" + id + "/secret", "", caller.headers()),
                    403,
                    "permission_denied");
            assertError(caller.client.delete("/api/clients/" + id, caller.headers()), 403, "permission_denied");
        }
        var anonymous = server.client();
        assertError(anonymous.get("/api/clients"), 401, "not_authenticated");
        assertError(anonymous.get("/api/clients/" + id), 401, "not_authenticated");
        assertError(anonymous.get("/api/clients/lkc_nobody"), 401, "not_authenticated");
        assertError(anonymous.postJson("/api/clients", GRAFANA), 401, "not_authenticated");
        assertError(anonymous.postJson("/api/clients/" + id + "/secret", ""), 401, "not_authenticated");
        assertError(anonymous.delete("/api/clients/" + id), 401, "not_authenticated");
        assertError(anonymous.get("/api/clients", "Authorization", "Token lk_forged"), 401, "invalid_token");
        assertThat(server.latchkey().clients().find(id))
                .as("no refused call changed it")
                .isPresent();
    }

    @Test
    void aStaffBrowserNeedsTheCsrfTokenForEveryChange() throws Exception {
        var browser = server.client();
        var signedIn = browser.postJson(
                "/api/session", "{\"username\":\"boss\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        var csrf = browser.cookies.get("__Host-lk_csrf");
        assertThat(csrf).isNotBlank();

        var before = server.latchkey().clients().list().size();
        assertError(browser.postJson("/api/clients", GRAFANA), 403, "csrf_failed");
        assertError(browser.postJson("/api/clients", GRAFANA, "X-CSRF-Token", "x".repeat(43)), 403, "csrf_failed");
        assertError(
                browser.postJson("/api/clients", GRAFANA, "X-CSRF-Token", csrf, "Origin", "https://evil.example"),
                403,
                "csrf_failed");
        assertThat(server.latchkey().clients().list()).hasSize(before);

        var created = browser.postJson("/api/clients", GRAFANA, "X-CSRF-Token", csrf);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var id = json(created).get("client_id").asText();
        var secret = json(created).get("client_secret").asText();
        assertThat(browser.get("/api/clients/" + id).statusCode())
                .as("a read needs no CSRF token")
                .isEqualTo(200);

        assertError(browser.postJson("/api/clients/" + id + "/secret", ""), 403, "csrf_failed");
        assertThat(server.latchkey().clients().authenticate(id, secret))
                .as("not rotated")
                .isPresent();
        assertError(browser.delete("/api/clients/" + id), 403, "csrf_failed");
        assertThat(server.latchkey().clients().find(id)).as("not deleted").isPresent();

        assertThat(browser.postJson("/api/clients/" + id + "/secret", "", "X-CSRF-Token", csrf)
                        .statusCode())
                .isEqualTo(200);
        assertThat(browser.delete("/api/clients/" + id, "X-CSRF-Token", csrf).statusCode())
                .isEqualTo(204);
    }

    @Test
    void wrongTypesNullsMissingAndUnknownFieldsAreRefusedAndRegisterNothing() {
        var client = server.client();
        var before = server.latchkey().clients().list().size();
        var r = "\"redirect_uris\":[\"" + CB + "\"]";
        assertError(client.postJson("/api/clients", "{" + r + "}", auth()), 400, "missing_field");
        assertError(client.postJson("/api/clients", "{\"name\":null," + r + "}", auth()), 400, "missing_field");
        assertError(client.postJson("/api/clients", "{\"name\":5," + r + "}", auth()), 400, "invalid_field");
        assertError(client.postJson("/api/clients", "{\"name\":[\"a\"]," + r + "}", auth()), 400, "invalid_field");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"\"," + r + "}", auth()), 400, "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"a\\u0000b\"," + r + "}", auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"rtl\\u202e\"," + r + "}", auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"" + "x".repeat(151) + "\"," + r + "}", auth()),
                400,
                "invalid_client_metadata");
        for (var bad : List.of(
                "\"redirect_uris\":\"" + CB + "\"",
                "\"redirect_uris\":[1]",
                "\"redirect_uris\":[null]",
                "\"redirect_uris\":[[\"" + CB + "\"]]",
                "\"redirect_uris\":null",
                "\"redirect_uris\":{\"0\":\"" + CB + "\"}",
                "\"redirect_uris\":42",
                r + ",\"post_logout_redirect_uris\":\"https://app.example.com/bye\"",
                r + ",\"public\":\"true\"",
                r + ",\"public\":1",
                r + ",\"public\":null",
                r + ",\"first_party\":\"yes\"",
                r + ",\"first_party\":null",
                r + ",\"grant_types\":\"client_credentials\"",
                r + ",\"grant_types\":[true]",
                r + ",\"backchannel_logout_uri\":[\"https://app.example.com/logout\"]",
                r + ",\"backchannel_logout_uri\":null",
                r + ",\"token_endpoint_auth_method\":5",
                r + ",\"token_endpoint_auth_method\":null",
                r + ",\"jwks\":\"{\\\"keys\\\":[]}\"",
                r + ",\"jwks\":[]",
                r + ",\"jwks_uri\":7",
                r + ",\"client_secret\":\"lkcs_chosen_by_the_caller\"",
                r + ",\"client_id\":\"lkc_chosen\"",
                r + ",\"secret_hash\":\"00\"",
                r + ",\"redirect_uri\":\"" + CB + "\"",
                r + ",\"Public\":true",
                r + ",\"\":1",
                r + ",\"name\\u0000\":1",
                r + ",\"is_staff\":true",
                "\"redirect_uris\":[" + ("\"" + CB + "\",").repeat(21) + "\"" + CB + "\"]")) {
            assertError(
                    client.postJson("/api/clients", "{\"name\":\"Bad\"," + bad + "}", auth()), 400, "invalid_field");
        }
        assertError(
                client.postJson(
                        "/api/clients", "{\"name\":\"Bad\"," + r + ",\"token_endpoint_auth_method\":\"x\"}", auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"Bad\"," + r + ",\"grant_types\":[\"password\"]}", auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"Bad\"," + r + ",\"grant_types\":[\"implicit\"]}", auth()),
                400,
                "invalid_client_metadata");
        assertThat(server.latchkey().clients().list()).as("nothing registered").hasSize(before);
    }

    @Test
    void badRedirectUrisAndBadCombinationsAreRefused() {
        var client = server.client();
        var before = server.latchkey().clients().list().size();
        for (var uri : List.of(
                "http://app.example.com/cb",
                "http://localhost:8080/cb",
                CB + "#f",
                "https://*.example.com/cb",
                "https://a@b/cb",
                "https://app.example.com%25@evil.com/cb",
                "javascript:alert(1)",
                "/cb",
                "//app.example.com/cb",
                "https://app.example.com/cb/..;/",
                "https://app.example.com/%2e%2e/cb",
                "https://app.example.com/cb/../cb",
                CB + " ",
                CB + "\\t",
                CB + "\\u0000",
                "https://äpp.example.com/cb",
                "",
                "https://app.example.com/" + "a".repeat(2000))) {
            assertError(
                    client.postJson("/api/clients", "{\"name\":\"Bad\",\"redirect_uris\":[\"" + uri + "\"]}", auth()),
                    400,
                    "invalid_redirect_uri");
        }
        assertError(client.postJson("/api/clients", "{\"name\":\"No redirect\"}", auth()), 400, "invalid_redirect_uri");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"Empty\",\"redirect_uris\":[]}", auth()),
                400,
                "invalid_redirect_uri");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"P\",\"public\":true,\"grant_types\":[\"client_credentials\"]}",
                        auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"P\",\"public\":true,\"redirect_uris\":[\"" + CB + "\"],"
                                + "\"token_endpoint_auth_method\":\"client_secret_basic\"}",
                        auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"C\",\"redirect_uris\":[\"" + CB + "\"],\"token_endpoint_auth_method\":\"none\"}",
                        auth()),
                400,
                "invalid_client_metadata");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"C\",\"redirect_uris\":[\"com.example.app:/cb\"]}", auth()),
                400,
                "invalid_redirect_uri");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"C\",\"redirect_uris\":[\"" + CB + "\"],\"post_logout_redirect_uris\":[\"/bye\"]}",
                        auth()),
                400,
                "invalid_client_metadata");
        assertThat(server.latchkey().clients().list()).as("nothing registered").hasSize(before);
    }

    @Test
    void malformedHugeAndMistypedBodiesGetAJsonErrorNeverAServerError() {
        var client = server.client();
        var before = server.latchkey().clients().list().size();
        assertError(client.postJson("/api/clients", "", auth()), 400, "malformed_json");
        assertError(client.postJson("/api/clients", "{\"name\":", auth()), 400, "malformed_json");
        assertError(client.postJson("/api/clients", "[" + GRAFANA + "]", auth()), 400, "malformed_json");
        assertError(client.postJson("/api/clients", "null", auth()), 400, "malformed_json");
        assertError(client.postJson("/api/clients", "\"Grafana\"", auth()), 400, "malformed_json");
        assertError(
                client.postJson("/api/clients", "{\"name\":\"Deep\",\"jwks\":" + "[".repeat(20_000) + "}", auth()),
                400,
                "malformed_json");
        assertError(
                client.postJson(
                        "/api/clients",
                        "{\"name\":\"" + "x".repeat(70 * 1024) + "\",\"redirect_uris\":[\"" + CB + "\"]}",
                        auth()),
                413,
                "body_too_large");
        assertError(
                client.send(client.builder("/api/clients", auth())
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(GRAFANA))),
                415,
                "unsupported_media_type");
        assertError(
                client.send(client.builder("/api/clients", auth())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Grafana&redirect_uris=" + CB))),
                415,
                "unsupported_media_type");
        assertThat(server.latchkey().clients().list()).as("nothing registered").hasSize(before);

        for (var id :
                List.of("lkc_nobody", "%00", "..%2F..", "%C3%28", "%E2%80%AE", "x".repeat(2000), "'%20OR%201=1")) {
            // A fresh connection each: Jetty answers an undecodable path (%00, bad UTF-8) with its own 400 and then
            // closes the connection without saying so, which a pooled client would trip over on its next request.
            var shown = server.client().get("/api/clients/" + id, auth());
            assertThat(shown.statusCode()).as(id + " " + shown.body()).isBetween(400, 404);
            assertThat(shown.body()).startsWith("{\"error\":\"");
            var rotated = server.client().postJson("/api/clients/" + id + "/secret", "", auth());
            assertThat(rotated.statusCode()).as(id).isBetween(400, 404);
            assertThat(rotated.body()).startsWith("{\"error\":\"");
            var deleted = server.client().delete("/api/clients/" + id, auth());
            assertThat(deleted.statusCode()).as(id).isBetween(400, 404);
            assertThat(deleted.body()).startsWith("{\"error\":\"");
        }
        assertError(client.get("/api/clients/lkc_nobody", auth()), 404, "client_not_found");
    }

    @Test
    void parallelRotationsLeaveExactlyOneWorkingSecret() throws Exception {
        var made = json(server.client().postJson("/api/clients", GRAFANA, auth()));
        var id = made.get("client_id").asText();
        var original = made.get("client_secret").asText();
        var pool = Executors.newFixedThreadPool(16);
        try {
            var calls = new ArrayList<Callable<HttpResponse<String>>>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> server.client().postJson("/api/clients/" + id + "/secret", "", auth()));
            }
            var secrets = new ArrayList<String>();
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                var response = f.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                secrets.add(json(response).get("client_secret").asText());
            }
            assertThat(new HashSet<>(secrets))
                    .as("every rotation made its own secret")
                    .hasSize(16);
            var working = secrets.stream()
                    .filter(s -> server.latchkey().clients().authenticate(id, s).isPresent())
                    .toList();
            assertThat(working).hasSize(1);
            assertThat(server.latchkey().clients().authenticate(id, original)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelRegistrationsEachGetTheirOwnIdAndSecret() throws Exception {
        var pool = Executors.newFixedThreadPool(16);
        try {
            var calls = new ArrayList<Callable<HttpResponse<String>>>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> server.client().postJson("/api/clients", GRAFANA, auth()));
            }
            var ids = new HashSet<String>();
            var secrets = new HashSet<String>();
            for (var f : pool.invokeAll(calls)) {
                var response = f.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                ids.add(json(response).get("client_id").asText());
                secrets.add(json(response).get("client_secret").asText());
            }
            assertThat(ids).hasSize(16);
            assertThat(secrets).hasSize(16);
        } finally {
            pool.shutdownNow();
        }
    }

    private record Caller(TestClient client, List<String> header) {
        String[] headers() {
            return header.toArray(String[]::new);
        }
    }

    private static String[] auth() {
        return new String[] {"Authorization", staff};
    }

    private static void assertNoStore(HttpResponse<String> response) {
        assertThat(response.headers().allValues("cache-control")).containsExactly("no-store");
    }

    /** Neither the secret's hash nor any field named for a hash is in the answer. */
    private static void assertNoHash(HttpResponse<String> response, String secret) throws Exception {
        assertThat(response.body()).doesNotContain(Secrets.sha256Hex(secret));
        var names = new ArrayList<String>();
        fieldNames(json(response), names);
        assertThat(names)
                .isNotEmpty()
                .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("hash"));
    }

    private static void fieldNames(JsonNode node, List<String> into) {
        node.properties().forEach(e -> {
            into.add(e.getKey());
            fieldNames(e.getValue(), into);
        });
        if (node.isArray()) {
            node.forEach(item -> fieldNames(item, into));
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).startsWith("{\"error\":\"" + code + "\"");
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static List<String> strings(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
