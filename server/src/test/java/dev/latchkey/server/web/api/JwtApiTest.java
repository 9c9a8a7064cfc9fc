package dev.latchkey.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.jwt.TokenFamilies;
import dev.latchkey.server.web.ServerTest;
import dev.latchkey.server.web.TestServer;
import dev.latchkey.user.NewUser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** JWT pairs over real HTTPS: obtain, use, refresh, reuse, revoke, and every forgery the tokens issue lists. */
class JwtApiTest extends ServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    @Test
    void aPasswordBuysAPairWhoseAccessTokenAuthenticatesEveryRoute() throws Exception {
        var client = server.client();
        var response = client.postJson("/api/jwt", credentials("alice"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(client.cookies).isEmpty();
        var pair = JSON.readTree(response.body());
        assertThat(pair.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(pair.get("expires_in").asLong()).isEqualTo(300);
        assertThat(pair.get("refresh_expires_in").asLong()).isBetween(86_390L, 86_400L);
        assertThat(pair.get("refresh").asText()).matches("lkr_[A-Za-z0-9_-]{43}");
        var access = pair.get("access").asText();
        var header = SignedJWT.parse(access).getHeader();
        assertThat(header.getType()).isEqualTo(AT_JWT);
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

        for (var scheme : new String[] {"Bearer", "bearer", "BEARER"}) {
            var me = server.client().get("/api/me", "Authorization", scheme + " " + access);
            assertThat(me.statusCode()).as(scheme).isEqualTo(200);
            assertThat(me.body()).contains("\"username\":\"alice\"");
        }
        // A header-authenticated unsafe call needs no CSRF token.
        var ended = server.client().delete("/api/sessions", "Authorization", "Bearer " + access);
        assertThat(ended.statusCode()).isEqualTo(200);
        // But a five-minute JWT cannot mint itself a long-lived API token.
        var token =
                server.client().postJson("/api/tokens", "{\"name\":\"by jwt\"}", "Authorization", "Bearer " + access);
        assertThat(token.statusCode()).isEqualTo(401);
        var verified = client.postJson("/api/jwt/verify", "{\"token\":\"" + access + "\"}");
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).contains("\"token_type\":\"access\"");
    }

    @Test
    void anotherServiceVerifiesAnIssuedTokenWithThePublishedJwksAlone() throws Exception {
        var access = obtain("alice").get("access").asText();
        var published = com.nimbusds.jose.jwk.JWKSet.parse(
                server.client().get("/.well-known/jwks.json").body());
        var processor = new com.nimbusds.jwt.proc.DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext>();
        processor.setJWSTypeVerifier(new com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier<>(AT_JWT));
        processor.setJWSKeySelector(new com.nimbusds.jose.proc.JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256, new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(published)));
        var claims = processor.process(access, null);
        assertThat(claims.getSubject()).isEqualTo(Long.toString(userId("alice")));
        assertThat(claims.getAudience()).containsExactly("latchkey");
        assertThat(claims.getIssuer()).isEqualTo("latchkey");
        assertThat(claims.getStringClaim("sid")).isNotBlank();
    }

    @Test
    void aRefreshAnswersANewPairAndAReusedRefreshTokenRevokesTheFamilyAtOnce() throws Exception {
        var user = newUser("carol");
        var client = server.client();
        var first = obtain(user);
        var second = JSON.readTree(refresh(first.get("refresh").asText()).body());
        assertThat(second.get("refresh").asText())
                .isNotEqualTo(first.get("refresh").asText());
        var access = second.get("access").asText();
        assertThat(client.get("/api/me", "Authorization", "Bearer " + access).statusCode())
                .isEqualTo(200);

        assertInvalidToken(refresh(first.get("refresh").asText()), "Bearer");
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer " + access), "Bearer");
        assertInvalidToken(refresh(second.get("refresh").asText()), "Bearer");
        var reuse = server.latchkey().audit().findRecentByUser(userId(user), TokenFamilies.AUDIT_REUSE, 5);
        assertThat(reuse).isNotEmpty();
        assertThat(reuse.get(0).clientIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void concurrentRefreshesOfOneTokenOverHttpLetExactlyOneThrough() throws Exception {
        var refreshToken = obtain(newUser("dave")).get("refresh").asText();
        var pool = Executors.newFixedThreadPool(6);
        var answers = new ArrayList<Future<Integer>>();
        for (int i = 0; i < 6; i++) {
            answers.add(
                    pool.submit((Callable<Integer>) () -> refresh(refreshToken).statusCode()));
        }
        int ok = 0;
        for (var answer : answers) {
            int status = answer.get(60, TimeUnit.SECONDS);
            assertThat(status).isIn(200, 401);
            ok += status == 200 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(ok).isEqualTo(1);
    }

    @Test
    void revokeEndsTheFamilysAccessTokensOnTheNextRequest() throws Exception {
        var client = server.client();
        var pair = obtain(newUser("erin"));
        var access = pair.get("access").asText();
        assertThat(client.get("/api/me", "Authorization", "Bearer " + access).statusCode())
                .isEqualTo(200);
        var revoked = client.postJson(
                "/api/jwt/revoke", "{\"refresh\":\"" + pair.get("refresh").asText() + "\"}");
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.body()).isEqualTo("{\"revoked\":true}");
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer " + access), "Bearer");
        assertInvalidToken(client.postJson("/api/jwt/verify", "{\"token\":\"" + access + "\"}"), "Bearer");
        var again = client.postJson(
                "/api/jwt/revoke", "{\"refresh\":\"" + pair.get("refresh").asText() + "\"}");
        assertThat(again.body()).isEqualTo("{\"revoked\":false}");
        var unknown = client.postJson("/api/jwt/revoke", "{\"refresh\":\"lkr_" + "A".repeat(43) + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(200);
    }

    @Test
    void aBrowserSessionBuysAPairWithCsrfAndItsSignOutRevokesIt() throws Exception {
        var browser = server.client();
        var csrf = browser.signIn();
        assertThat(browser.postJson("/api/jwt", "{}").statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        var response = browser.postJson("/api/jwt", "{}", "X-CSRF-Token", csrf);
        assertThat(response.statusCode()).isEqualTo(200);
        var access = JSON.readTree(response.body()).get("access").asText();
        var machine = server.client();
        assertThat(machine.get("/api/me", "Authorization", "Bearer " + access).statusCode())
                .isEqualTo(200);
        assertThat(browser.delete("/api/session", "X-CSRF-Token", csrf).statusCode())
                .isEqualTo(204);
        assertInvalidToken(machine.get("/api/me", "Authorization", "Bearer " + access), "Bearer");
    }

    @Test
    void aTokenCannotMintAPairForItself() throws Exception {
        var access = obtain("alice").get("access").asText();
        var response = server.client().postJson("/api/jwt", "{}", "Authorization", "Bearer " + access);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(server.client().postJson("/api/jwt", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void passwordChangeAndDeactivationRevokeEveryFamilyAtOnce() throws Exception {
        var user = newUser("frank");
        var client = server.client();
        var before = obtain(user).get("access").asText();
        server.latchkey().users().setPassword(user, TestServer.PASSWORD + " changed");
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer " + before), "Bearer");

        var pair = JSON.readTree(client.postJson(
                        "/api/jwt",
                        "{\"username\":\"" + user + "\",\"password\":\"" + TestServer.PASSWORD + " changed\"}")
                .body());
        var access = pair.get("access").asText();
        assertThat(client.get("/api/me", "Authorization", "Bearer " + access).statusCode())
                .isEqualTo(200);
        server.latchkey().users().deactivate(user);
        assertInvalidToken(client.get("/api/me", "Authorization", "Bearer " + access), "Bearer");
        assertInvalidToken(refresh(pair.get("refresh").asText()), "Bearer");
    }

    @Test
    void forgedMalformedAndMisusedTokensAreEach401InvalidToken() throws Exception {
        var pair = obtain("alice");
        var access = pair.get("access").asText();
        var refreshToken = pair.get("refresh").asText();
        var good = SignedJWT.parse(access).getJWTClaimsSet();
        var key = server.latchkey().signingKeys().signingKey().toRSAKey();
        var now = Instant.now();

        var bad = new ArrayList<String>();
        for (var alg : new String[] {"none", "None", "NONE"}) {
            bad.add(Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + key.getKeyID() + "\"}")
                    + "." + SignedJWT.parse(access).getPayload().toBase64URL() + ".");
        }
        for (var secret : new byte[][] {
            key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
            key.toRSAPublicKey().getEncoded()
        }) {
            var hs = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(AT_JWT)
                            .keyID(key.getKeyID())
                            .build(),
                    good);
            hs.sign(new MACSigner(pad(secret)));
            bad.add(hs.serialize());
        }
        bad.add(sign(key, b -> b, "unknown-kid"));
        bad.add(sign(key, b -> b.expirationTime(Date.from(now.minusSeconds(60))), key.getKeyID()));
        bad.add(sign(key, b -> b.notBeforeTime(Date.from(now.plusSeconds(120))), key.getKeyID()));
        bad.add(sign(key, b -> b.issuer("https://evil.example"), key.getKeyID()));
        bad.add(sign(key, b -> b.audience("someone-else"), key.getKeyID()));
        var foreign = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        bad.add(sign(foreign, b -> b, key.getKeyID()));
        bad.add(access.substring(0, access.length() - 10));
        bad.add(access.substring(0, access.lastIndexOf('.')));
        bad.add(access.replace('.', '!'));
        bad.add("eyJ%%%." + access.substring(access.indexOf('.') + 1));
        bad.add(refreshToken);
        bad.add("x".repeat(16 * 1024));

        var client = server.client();
        for (var token : bad) {
            var response = client.get("/api/me", "Authorization", "Bearer " + token);
            assertInvalidToken(response, "Bearer");
            assertInvalidToken(
                    client.postJson("/api/jwt/verify", JSON.writeValueAsString(java.util.Map.of("token", token))),
                    "Bearer");
        }
        assertInvalidToken(refresh(access), "Bearer");
        assertThat(client.get("/api/me", "Authorization", "Bearer " + access).statusCode())
                .as("the genuine token still works")
                .isEqualTo(200);
    }

    @Test
    void badBodiesAreClearErrors() {
        var client = server.client();
        assertError(client.postJson("/api/jwt/refresh", "{}"), 400, "missing_field");
        assertError(client.postJson("/api/jwt/refresh", "{\"refresh\":42}"), 400, "invalid_field");
        assertError(client.postJson("/api/jwt/refresh", "{\"refresh\":null}"), 400, "missing_field");
        assertError(client.postJson("/api/jwt/verify", "[\"token\"]"), 400, null);
        assertError(client.postJson("/api/jwt/revoke", "not json"), 400, null);
        assertError(client.postJson("/api/jwt", "{\"username\":\"alice\"}"), 400, "missing_field");
        assertError(
                client.postJson("/api/jwt", "{\"username\":\"alice\",\"password\":\"wrong\"}"),
                401,
                "invalid_credentials");
        assertError(
                client.postJson("/api/jwt", "{\"username\":\"nobody\",\"password\":\"wrong\"}"),
                401,
                "invalid_credentials");
        assertError(client.postJson("/api/jwt/refresh", "{\"refresh\":\"" + "a".repeat(70_000) + "\"}"), 413, null);
        assertError(client.get("/api/jwt/refresh"), 405, "method_not_allowed");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).startsWith("{\"error\":\"" + (code == null ? "" : code));
        assertThat(response.body()).doesNotContain("Exception");
    }

    private static String sign(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change, String kid) throws Exception {
        var now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer("latchkey")
                .audience("latchkey")
                .subject("1")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID("j")
                .claim("sid", "f");
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(AT_JWT)
                        .keyID(kid)
                        .build(),
                change.apply(claims).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static byte[] pad(byte[] secret) {
        return secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
    }

    private static String newUser(String name) {
        server.latchkey().users().create(NewUser.named(name), Optional.of(TestServer.PASSWORD));
        return name;
    }

    private static long userId(String name) {
        return server.latchkey().users().find(name).orElseThrow().id();
    }

    private static String credentials(String user) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + TestServer.PASSWORD + "\"}";
    }

    private static JsonNode obtain(String user) throws Exception {
        var response = server.client().postJson("/api/jwt", credentials(user));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> refresh(String token) {
        return server.client().postJson("/api/jwt/refresh", "{\"refresh\":\"" + token + "\"}");
    }
}
