package dev.latchkey.server.cli;

import static dev.latchkey.server.cli.UserCommandTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.Latchkey;
import dev.latchkey.audit.AuditQuery;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.provider.Clients;
import dev.latchkey.server.config.SettingsLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey client ...} against a real SQLite data directory, read back through the library. */
class ClientCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CB = "https://app.example.com/cb";

    @TempDir
    Path data;

    @Test
    void aConfidentialClientsSecretIsPrintedAsJsonWorksAndIsKeptOnlyAsItsHash() throws Exception {
        var cli = new Cli(data);
        var made = cli.run("client", "create", "Grafana", "--redirect-uri", CB, "--json");
        assertThat(made.status()).as(made.err()).isZero();
        var json = JSON.readTree(made.out());
        assertThat(fieldNames(json)).containsExactly("client_id", "client_secret");
        var id = json.get("client_id").asText();
        var secret = json.get("client_secret").asText();
        assertThat(id).startsWith("lkc_");
        assertThat(secret).startsWith("lkcs_").hasSizeGreaterThan(40);
        assertThat(made.out().strip().lines())
                .as("one line of JSON, nothing else on stdout")
                .hasSize(1);

        withLatchkey(latchkey -> {
            assertThat(latchkey.clients().authenticate(id, secret)).isPresent();
            assertThat(latchkey.clients().authenticate(id, secret + "x")).isEmpty();
            assertThat(latchkey.clients().authenticate(id, secret.substring(0, secret.length() - 1)))
                    .isEmpty();
            assertThat(latchkey.clients().authenticate(id, "")).isEmpty();
            assertThat(latchkey.clients().authenticate(id, null)).isEmpty();
            assertThat(latchkey.clients().authenticate("lkc_nobody", secret)).isEmpty();
            var client = latchkey.clients().find(id).orElseThrow();
            assertThat(client.name()).isEqualTo("Grafana");
            assertThat(client.redirectUris()).containsExactly(CB);
            assertThat(client.authMethod().wireName()).isEqualTo("client_secret_basic");
            assertThat(client.grantTypes()).containsExactlyInAnyOrder("authorization_code", "refresh_token");
            assertThat(client.firstParty()).isFalse();
            return null;
        });

        var stored = dataBytes();
        assertThat(contains(stored, secret))
                .as("the secret is nowhere in the data directory")
                .isFalse();
        assertThat(contains(stored, secret.substring(Clients.SECRET_PREFIX.length())))
                .as("nor its random part")
                .isFalse();
        assertThat(contains(stored, Secrets.sha256Hex(secret)))
                .as("its hash is, so this read the right files")
                .isTrue();
        assertThat(contains(stored, id)).isTrue();
    }

    @Test
    void theTextOutputShowsTheSecretOnceAndShowAndListNever() {
        var cli = new Cli(data);
        var made = cli.run(
                "client",
                "create",
                "Nextcloud",
                "--redirect-uri",
                CB,
                "--redirect-uri",
                "https://app.example.com/other",
                "--post-logout-redirect-uri",
                "https://app.example.com/bye",
                "--backchannel-logout-uri",
                "https://app.example.com/logout",
                "--auth-method",
                "client_secret_post");
        assertThat(made.status()).as(made.err()).isZero();
        var id = value(made.out(), "client_id:");
        var secret = value(made.out(), "client_secret:");
        assertThat(made.out()).contains("shown only this once");
        assertThat(secret).startsWith("lkcs_");

        var shown = cli.run("client", "show", id);
        assertThat(shown.status()).as(shown.err()).isZero();
        assertThat(shown.out())
                .contains(id)
                .contains("Nextcloud")
                .contains("client_secret_post")
                .contains(CB + " https://app.example.com/other")
                .contains("https://app.example.com/bye")
                .contains("https://app.example.com/logout")
                .doesNotContain(secret)
                .doesNotContain(Secrets.sha256Hex(secret));
        var shownJson = cli.run("client", "show", id, "--json");
        assertThat(shownJson.out()).doesNotContain(secret).doesNotContain(Secrets.sha256Hex(secret));
        var listed = cli.run("client", "list");
        assertThat(listed.out()).contains(id).contains("Nextcloud").doesNotContain(secret);
        assertThat(cli.run("client", "list", "--json").out())
                .doesNotContain(secret)
                .doesNotContain(Secrets.sha256Hex(secret));
    }

    @Test
    void aPublicClientHasNoSecretAndCannotBeGivenOne() throws Exception {
        var cli = new Cli(data);
        var made = cli.run("client", "create", "SPA", "--public", "--redirect-uri", "http://127.0.0.1/cb", "--json");
        assertThat(made.status()).as(made.err()).isZero();
        var json = JSON.readTree(made.out());
        assertThat(fieldNames(json)).containsExactly("client_id");
        var id = json.get("client_id").asText();

        var text = cli.run("client", "create", "Mobile", "--public", "--redirect-uri", "com.example.app:/cb");
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).contains("no secret").doesNotContain("client_secret:");

        var shown = JSON.readTree(cli.run("client", "show", id, "--json").out());
        assertThat(shown.get("public").asBoolean()).isTrue();
        assertThat(shown.get("token_endpoint_auth_method").asText()).isEqualTo("none");
        assertThat(shown.has("client_secret")).isFalse();
        withLatchkey(latchkey -> {
            assertThat(latchkey.clients().authenticate(id, "")).isEmpty();
            assertThat(latchkey.clients().authenticate(id, null)).isEmpty();
            assertThat(latchkey.clients().find(id).orElseThrow().secretHash()).isNull();
            return null;
        });
        assertRefused(cli.run("client", "rotate-secret", id), "without a secret");
        assertRefused(cli.run("client", "rotate-secret", id, "--json"), "without a secret");
    }

    @Test
    void aFirstPartyClientIsMarkedSo() throws Exception {
        var cli = new Cli(data);
        var made = cli.run("client", "create", "Our app", "--first-party", "--redirect-uri", CB, "--json");
        assertThat(made.status()).as(made.err()).isZero();
        var id = JSON.readTree(made.out()).get("client_id").asText();
        assertThat(JSON.readTree(cli.run("client", "show", id, "--json").out())
                        .get("first_party")
                        .asBoolean())
                .isTrue();
        assertThat(cli.run("client", "show", id).out()).contains("first party:               yes");
        assertThat(cli.run("client", "list").out()).containsPattern(id + "\\s+client_secret_basic\\s+yes\\s+Our app");
    }

    @Test
    void aClientCredentialsClientNeedsNoRedirectUri() throws Exception {
        var cli = new Cli(data);
        var made = cli.run("client", "create", "Backup job", "--grant", "client_credentials", "--json");
        assertThat(made.status()).as(made.err()).isZero();
        var json = JSON.readTree(made.out());
        var id = json.get("client_id").asText();
        var secret = json.get("client_secret").asText();
        withLatchkey(latchkey -> {
            var client = latchkey.clients().authenticate(id, secret).orElseThrow();
            assertThat(client.grantTypes()).containsExactly("client_credentials");
            assertThat(client.allows("authorization_code")).isFalse();
            assertThat(client.redirectUris()).isEmpty();
            return null;
        });
        var both = cli.run(
                "client",
                "create",
                "Both",
                "--grant",
                "client_credentials",
                "--grant",
                "authorization_code",
                "--redirect-uri",
                CB,
                "--json");
        assertThat(both.status()).as(both.err()).isZero();
        var bothId = JSON.readTree(both.out()).get("client_id").asText();
        assertThat(names(JSON.readTree(
                                cli.run("client", "show", bothId, "--json").out())
                        .get("grant_types")))
                .containsExactly("authorization_code", "client_credentials", "refresh_token");
    }

    @Test
    void aPrivateKeyJwtClientRegistersPublicKeysAndHasNoSecret() throws Exception {
        var cli = new Cli(data);
        var key = new RSAKeyGenerator(2048).keyID("k1").generate();
        var jwksFile = data.resolve("keys.json");
        Files.writeString(jwksFile, new JWKSet(key.toPublicJWK()).toString());
        var made = cli.run("client", "create", "Signer", "--redirect-uri", CB, "--jwks", jwksFile.toString(), "--json");
        assertThat(made.status()).as(made.err()).isZero();
        var json = JSON.readTree(made.out());
        assertThat(fieldNames(json)).containsExactly("client_id");
        var shown =
                JSON.readTree(cli.run("client", "show", json.get("client_id").asText(), "--json")
                        .out());
        assertThat(shown.get("token_endpoint_auth_method").asText()).isEqualTo("private_key_jwt");
        assertThat(shown.at("/jwks/keys/0/kid").asText()).isEqualTo("k1");
        assertThat(shown.at("/jwks/keys/0/d").isMissingNode()).isTrue();

        var byUri = cli.run(
                "client",
                "create",
                "Remote keys",
                "--redirect-uri",
                CB,
                "--jwks-uri",
                "https://app.example.com/jwks.json",
                "--json");
        assertThat(byUri.status()).as(byUri.err()).isZero();

        var privateFile = data.resolve("private.json");
        Files.writeString(privateFile, new JWKSet(key).toString(false));
        assertRefused(
                cli.run("client", "create", "Leaky", "--redirect-uri", CB, "--jwks", privateFile.toString()),
                "public keys only");
        var garbage = data.resolve("garbage.json");
        Files.writeString(garbage, "{\"keys\": 5}");
        assertRefused(
                cli.run("client", "create", "Bad", "--redirect-uri", CB, "--jwks", garbage.toString()),
                "not a JWK set");
        var huge = data.resolve("huge.json");
        Files.writeString(huge, "{\"keys\":[" + " ".repeat(20_000) + "]}");
        assertRefused(
                cli.run("client", "create", "Huge", "--redirect-uri", CB, "--jwks", huge.toString()), "larger than");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Gone",
                        "--redirect-uri",
                        CB,
                        "--jwks",
                        data.resolve("none.json").toString()),
                "no file");
        assertRefused(
                cli.run("client", "create", "No keys", "--redirect-uri", CB, "--auth-method", "private_key_jwt"),
                "needs either jwks or jwks_uri");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Two",
                        "--redirect-uri",
                        CB,
                        "--jwks",
                        jwksFile.toString(),
                        "--jwks-uri",
                        "https://app.example.com/jwks.json"),
                "either jwks or jwks_uri");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Plain",
                        "--redirect-uri",
                        CB,
                        "--jwks-uri",
                        "http://keys.example.com/jwks.json"),
                "plain http");
    }

    @Test
    void aRotatedSecretReplacesTheOldOneAtOnce() throws Exception {
        var cli = new Cli(data);
        var first = JSON.readTree(cli.run("client", "create", "Rotating", "--redirect-uri", CB, "--json")
                .out());
        var id = first.get("client_id").asText();
        var old = first.get("client_secret").asText();

        var rotated = cli.run("client", "rotate-secret", id, "--json");
        assertThat(rotated.status()).as(rotated.err()).isZero();
        var json = JSON.readTree(rotated.out());
        assertThat(fieldNames(json)).containsExactly("client_id", "client_secret");
        assertThat(json.get("client_id").asText()).isEqualTo(id);
        var fresh = json.get("client_secret").asText();
        assertThat(fresh).startsWith("lkcs_").isNotEqualTo(old);

        var text = cli.run("client", "rotate-secret", id);
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).contains("shown only this once");
        var newest = value(text.out(), "client_secret:");

        withLatchkey(latchkey -> {
            assertThat(latchkey.clients().authenticate(id, old)).isEmpty();
            assertThat(latchkey.clients().authenticate(id, fresh)).isEmpty();
            assertThat(latchkey.clients().authenticate(id, newest)).isPresent();
            return null;
        });
        var stored = dataBytes();
        for (var secret : List.of(old, fresh, newest)) {
            assertThat(contains(stored, secret)).isFalse();
        }
    }

    @Test
    void aDeletedClientIsGoneAndItsSecretNoLongerWorks() throws Exception {
        var cli = new Cli(data);
        var kept = JSON.readTree(cli.run("client", "create", "Kept", "--redirect-uri", CB, "--json")
                .out());
        var doomed = JSON.readTree(cli.run("client", "create", "Doomed", "--redirect-uri", CB, "--json")
                .out());
        var id = doomed.get("client_id").asText();
        var listed = cli.run("client", "list", "--json");
        assertThat(names(JSON.readTree(listed.out()), "name")).containsExactly("Kept", "Doomed");

        var deleted = cli.run("client", "delete", id);
        assertThat(deleted.status()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted client " + id);
        assertRefused(cli.run("client", "show", id), "no client " + id);
        assertRefused(cli.run("client", "delete", id), "no client " + id);
        assertThat(cli.run("client", "list").out()).contains("Kept").doesNotContain("Doomed");
        withLatchkey(latchkey -> {
            assertThat(latchkey.clients()
                            .authenticate(id, doomed.get("client_secret").asText()))
                    .isEmpty();
            assertThat(latchkey.clients()
                            .authenticate(
                                    kept.get("client_id").asText(),
                                    kept.get("client_secret").asText()))
                    .isPresent();
            var kinds = latchkey.audit().search(new AuditQuery(null, null, null, null, null, 50)).stream()
                    .map(e -> e.event().kind() + " " + e.event().reason())
                    .toList();
            assertThat(kinds).contains("client_created " + id, "client_deleted " + id);
            return null;
        });
    }

    @Test
    void badRegistrationsAreRefusedWithAClearMessageAndRegisterNothing() {
        var cli = new Cli(data);
        assertRefused(cli.run("client", "create", "NoRedirect"), "needs a redirect URI");
        assertRefused(
                cli.run("client", "create", "Plain", "--redirect-uri", "http://app.example.com/cb"),
                "plain http is for loopback");
        assertRefused(
                cli.run("client", "create", "Localhost", "--redirect-uri", "http://localhost:8080/cb"),
                "plain http is for loopback");
        assertRefused(cli.run("client", "create", "Fragment", "--redirect-uri", CB + "#f"), "fragment");
        assertRefused(
                cli.run("client", "create", "Wildcard", "--redirect-uri", "https://*.example.com/cb"), "wildcards");
        assertRefused(cli.run("client", "create", "Userinfo", "--redirect-uri", "https://a@b/cb"), "userinfo");
        assertRefused(
                cli.run("client", "create", "Escaped", "--redirect-uri", "https://app.example.com%25@evil.com/cb"),
                "userinfo");
        assertRefused(cli.run("client", "create", "Script", "--redirect-uri", "javascript:alert(1)"), "use https");
        assertRefused(
                cli.run("client", "create", "Script", "--public", "--redirect-uri", "javascript:alert(1)"),
                "use https");
        assertRefused(cli.run("client", "create", "Relative", "--redirect-uri", "/cb"), "absolute");
        assertRefused(cli.run("client", "create", "Relative", "--redirect-uri", "//app.example.com/cb"), "absolute");
        assertRefused(
                cli.run("client", "create", "Dots", "--redirect-uri", "https://app.example.com/cb/..;/x"),
                "dot segments");
        assertRefused(
                cli.run("client", "create", "Dots", "--redirect-uri", "https://app.example.com/%2e%2e/cb"),
                "dot segments");
        assertRefused(cli.run("client", "create", "Space", "--redirect-uri", CB + " "), "printable ASCII");
        assertRefused(cli.run("client", "create", "Tab", "--redirect-uri", CB + "\t"), "printable ASCII");
        assertRefused(
                cli.run("client", "create", "Post-logout", "--redirect-uri", CB, "--post-logout-redirect-uri", "/"),
                "absolute");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Backchannel",
                        "--redirect-uri",
                        CB,
                        "--backchannel-logout-uri",
                        "http://app.example.com/logout"),
                "plain http");
        assertRefused(
                cli.run("client", "create", "Public service", "--public", "--grant", "client_credentials"),
                "client_credentials is for confidential clients only");
        assertRefused(
                cli.run("client", "create", "Odd grant", "--redirect-uri", CB, "--grant", "password"),
                "unknown grant type password");
        assertRefused(
                cli.run("client", "create", "Implicit", "--redirect-uri", CB, "--grant", "implicit"),
                "unknown grant type");
        assertRefused(
                cli.run("client", "create", "Bad method", "--redirect-uri", CB, "--auth-method", "client_secret_jwt"),
                "--auth-method is one of");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Public with secret",
                        "--public",
                        "--redirect-uri",
                        CB,
                        "--auth-method",
                        "client_secret_basic"),
                "a public client authenticates with none");
        assertRefused(
                cli.run("client", "create", "Secretless", "--redirect-uri", CB, "--auth-method", "none"),
                "a confidential client needs");
        assertRefused(
                cli.run(
                        "client",
                        "create",
                        "Keys",
                        "--redirect-uri",
                        CB,
                        "--jwks-uri",
                        "https://a.example/j",
                        "--auth-method",
                        "client_secret_basic"),
                "keys are for private_key_jwt clients only");
        assertRefused(cli.run("client", "create", "", "--redirect-uri", CB), "1 to 150 characters");
        assertRefused(cli.run("client", "create", "   ", "--redirect-uri", CB), "1 to 150 characters");
        assertRefused(cli.run("client", "create", "x".repeat(151), "--redirect-uri", CB), "1 to 150 characters");
        assertRefused(cli.run("client", "create", "line\nbreak", "--redirect-uri", CB), "control characters");
        assertRefused(cli.run("client", "create", "rtl\u202eppa", "--redirect-uri", CB), "control characters");
        var many = new ArrayList<>(List.of("client", "create", "Many"));
        for (int i = 0; i < 21; i++) {
            many.add("--redirect-uri");
            many.add(CB + i);
        }
        assertRefused(cli.run(many.toArray(String[]::new)), "at most 20 redirect URIs");
        assertRefused(
                cli.run("client", "create", "Long", "--redirect-uri", CB + "/" + "a".repeat(2000)), "longer than");

        assertThat(cli.run("client", "list", "--json").out().strip())
                .as("nothing was registered by any refused command")
                .isEqualTo("[]");
        assertThat(cli.run("client", "create").status())
                .as("no NAME: a usage error")
                .isEqualTo(2);
        assertThat(cli.run("client", "create", "X", "--redirect-uri").status()).isEqualTo(2);
    }

    @Test
    void anUnknownClientIdIsRefusedByEverySubcommand() {
        var cli = new Cli(data);
        for (var id : List.of("lkc_nobody", "nobody", "x".repeat(500), "lkc_%00", "' OR 1=1 --")) {
            assertRefused(cli.run("client", "show", id), "no client");
            assertRefused(cli.run("client", "show", id, "--json"), "no client");
            assertRefused(cli.run("client", "rotate-secret", id), "no client");
            assertRefused(cli.run("client", "rotate-secret", id, "--json"), "no client");
            assertRefused(cli.run("client", "delete", id), "no client");
        }
        assertThat(cli.run("client", "show").status()).isEqualTo(2);
    }

    private <T> T withLatchkey(Function<Latchkey, T> work) {
        try (var latchkey = Engine.open(SettingsLoader.load(data, Map.of(), Map.of()), Map.of())) {
            return work.apply(latchkey);
        }
    }

    /** Every byte of every file in the data directory: the SQLite file, its WAL, and anything else kept there. */
    private byte[] dataBytes() {
        var all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(data)) {
            for (var file : files.filter(Files::isRegularFile).toList()) {
                all.write(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(all.size()).isGreaterThan(4096);
        return all.toByteArray();
    }

    private static boolean contains(byte[] haystack, String needle) {
        var n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String value(String out, String label) {
        return out.lines()
                .filter(l -> l.startsWith(label))
                .map(l -> l.substring(label.length()).strip())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in " + out));
    }

    private static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> names(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> names(JsonNode array, String field) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}
