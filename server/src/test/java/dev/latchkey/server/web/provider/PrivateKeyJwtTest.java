package dev.latchkey.server.web.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.provider.ClientAuthenticator;
import dev.latchkey.provider.IssuedClient;
import dev.latchkey.provider.NewClient;
import dev.latchkey.request.RequestContext;
import dev.latchkey.server.web.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code private_key_jwt} (RFC 7523, OpenID Connect Core 9) at the token endpoint: a client that registered only its
 * public keys (inline, or at a {@code jwks_uri}) proves itself with an assertion the SDK signs — and every way of
 * forging, stretching or replaying an assertion is refused with {@code invalid_client}, never a 500. Each attack is
 * sent from an address of its own, so that the token endpoint's throttle (which rightly counts these failures) does
 * not decide the answer.
 */
class PrivateKeyJwtTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CB = "https://signer.example.com/cb";
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

    @TempDir
    static Path dir;

    static TestServer server;
    static URI tokenEndpoint;
    static RSAKey rsa;
    static ECKey ec;
    static IssuedClient signer;
    static IssuedClient other;
    static RSAKey otherKey;
    static IssuedClient secretClient;
    static HttpServer jwksHost;
    static final AtomicReference<String> served = new AtomicReference<>();
    static final AtomicInteger jwksFetches = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.withPublicUrl(dir, Clock.systemUTC());
        tokenEndpoint = URI.create(server.base().toString().replaceAll("/$", "") + ProviderApi.TOKEN);
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("other-1").generate();
        var clients = server.latchkey().clients();
        signer = clients.create(
                NewClient.confidential("Signer", CB)
                        .withGrantTypes("authorization_code", "client_credentials")
                        .withKeys(publicSet(rsa, ec), null),
                RequestContext.NONE);
        other = clients.create(
                NewClient.confidential("Other signer")
                        .withGrantTypes("client_credentials")
                        .withKeys(publicSet(otherKey), null),
                RequestContext.NONE);
        secretClient = clients.create(
                NewClient.confidential("Secret keeper").withGrantTypes("client_credentials"), RequestContext.NONE);
        jwksHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksHost.createContext("/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            var body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwksHost.start();
    }

    @AfterAll
    static void stop() {
        jwksHost.stop(0);
        server.close();
    }

    private static String publicSet(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private static String nextAddress() {
        int n = ADDRESSES.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** Claims as RFC 7523 §3 wants them, for this client at the token endpoint, good for a minute. */
    private static JWTClaimsSet.Builder claims(String clientId) {
        var now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(UUID.randomUUID().toString());
    }

    private static String signed(JWTClaimsSet claims, RSAKey key) throws Exception {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String signedEc(JWTClaimsSet claims, ECKey key) throws Exception {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    /** A client_credentials call with this assertion, from an address of its own. */
    private static HttpResponse<String> withAssertion(String assertion) {
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("client_assertion_type", ClientAuthenticator.ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        return post(form);
    }

    private static HttpResponse<String> post(Map<String, String> form) {
        return server.client().postForm(ProviderApi.TOKEN, form, "X-Forwarded-For", nextAddress());
    }

    private static void assertInvalidClient(HttpResponse<String> response, String why) throws Exception {
        assertThat(response.statusCode()).as(why + ": " + response.body()).isEqualTo(401);
        assertThat(json(response).get("error").asText()).as(why).isEqualTo("invalid_client");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    }

    /** The SDK's own assertion for the signer client, aimed at the token endpoint. */
    private static PrivateKeyJWT sdkAssertion(java.security.PrivateKey key, JWSAlgorithm algorithm, String kid)
            throws Exception {
        return new PrivateKeyJWT(new ClientID(signer.client().id()), tokenEndpoint, algorithm, key, kid, null);
    }

    private static TokenResponse sdkToken(ClientAuthentication auth, AuthorizationGrant grant) throws Exception {
        var http = new TokenRequest.Builder(tokenEndpoint, auth, grant).build().toHTTPRequest();
        http.setSSLSocketFactory(server.sslContext().getSocketFactory());
        http.setHeader("X-Forwarded-For", nextAddress());
        HTTPResponse response = http.send();
        return OIDCTokenResponseParser.parse(response);
    }

    @Test
    void theSdksAssertionWithEitherRegisteredKeyGetsAClientCredentialsToken() throws Exception {
        var byRsa = sdkToken(
                sdkAssertion(rsa.toPrivateKey(), JWSAlgorithm.RS256, rsa.getKeyID()), new ClientCredentialsGrant());
        assertThat(byRsa.indicatesSuccess()).as(byRsa.toString()).isTrue();
        var byEc = sdkToken(
                sdkAssertion(ec.toPrivateKey(), JWSAlgorithm.ES256, ec.getKeyID()), new ClientCredentialsGrant());
        assertThat(byEc.indicatesSuccess()).isTrue();
        var access = byEc.toSuccessResponse().getTokens().getAccessToken().getValue();
        assertThat(SignedJWT.parse(access).getJWTClaimsSet().getStringClaim("client_id"))
                .isEqualTo(signer.client().id());
        // The issuer itself is an audience RFC 7523 allows too.
        var toIssuer = claims(signer.client().id())
                .audience(server.base().toString().replaceAll("/$", ""))
                .build();
        assertThat(withAssertion(signed(toIssuer, rsa)).statusCode()).isEqualTo(200);
    }

    @Test
    void aCodeIsExchangedWithAnAssertionInsteadOfASecret() throws Exception {
        var browser = server.client();
        browser.signIn();
        var verifier = Rp.verifier("pkjwt");
        var request = Rp.request(signer.client().id(), CB, "openid", verifier);
        var page = browser.get(Rp.authorizeUrl(request));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        var back = Rp.decide(browser, page, "allow");
        var code = Rp.queryOf(Rp.location(back)).get("code");
        var response = sdkToken(
                sdkAssertion(ec.toPrivateKey(), JWSAlgorithm.ES256, ec.getKeyID()),
                new AuthorizationCodeGrant(
                        new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
                        URI.create(CB),
                        new CodeVerifier(verifier)));
        assertThat(response.indicatesSuccess()).as(response.toString()).isTrue();
        var idToken = ((com.nimbusds.openid.connect.sdk.OIDCTokenResponse) response.toSuccessResponse())
                .getOIDCTokens()
                .getIDToken();
        assertThat(idToken.getJWTClaimsSet().getAudience())
                .containsExactly(signer.client().id());
    }

    @Test
    void aReplayedAssertionIsRefusedEvenInParallel() throws Exception {
        var assertion = signed(claims(signer.client().id()).build(), rsa);
        assertThat(withAssertion(assertion).statusCode()).isEqualTo(200);
        assertInvalidClient(withAssertion(assertion), "the same jti again");

        var raced = signed(claims(signer.client().id()).build(), rsa);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var answers = pool.invokeAll(java.util.Collections.nCopies(8, (java.util.concurrent.Callable<Integer>)
                    () -> withAssertion(raced).statusCode()));
            var statuses = new java.util.ArrayList<Integer>();
            for (var answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void assertionsOutOfTimeAreRefused() throws Exception {
        var id = signer.client().id();
        var now = Instant.now();
        var expired = claims(id)
                .issueTime(Date.from(now.minusSeconds(300)))
                .expirationTime(Date.from(now.minusSeconds(120)))
                .build();
        assertInvalidClient(withAssertion(signed(expired, rsa)), "expired");
        var tooLong = claims(id)
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(6))))
                .build();
        assertInvalidClient(withAssertion(signed(tooLong, rsa)), "exp more than 5 minutes ahead");
        var noExp = claims(id).expirationTime(null).build();
        assertInvalidClient(withAssertion(signed(noExp, rsa)), "no exp");
        var noJti = claims(id).jwtID(null).build();
        assertInvalidClient(withAssertion(signed(noJti, rsa)), "no jti");
        var notYet = claims(id).notBeforeTime(Date.from(now.plusSeconds(120))).build();
        assertInvalidClient(withAssertion(signed(notYet, rsa)), "nbf in the future");
        var justInside = claims(id)
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(4))))
                .build();
        assertThat(withAssertion(signed(justInside, rsa)).statusCode()).isEqualTo(200);
    }

    @Test
    void anAssertionForAnotherAudienceOrAnotherClientIsRefused() throws Exception {
        var id = signer.client().id();
        var elsewhere =
                claims(id).audience("https://other-server.example/oauth/token").build();
        assertInvalidClient(withAssertion(signed(elsewhere, rsa)), "aud another server");
        var otherPath = claims(id).audience(tokenEndpoint + "/x").build();
        assertInvalidClient(withAssertion(signed(otherPath, rsa)), "aud another endpoint");
        var issOther = claims(id).issuer(other.client().id()).build();
        assertInvalidClient(withAssertion(signed(issOther, rsa)), "iss another client");
        var subOther = claims(id).subject(other.client().id()).build();
        assertInvalidClient(withAssertion(signed(subOther, rsa)), "sub another client, signed with this one's key");
        var both = claims(other.client().id()).build();
        assertInvalidClient(withAssertion(signed(both, rsa)), "iss and sub another client, signed with this key");
        // A client_id in the body that is not the assertion's subject.
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", other.client().id());
        form.put("client_assertion_type", ClientAuthenticator.ASSERTION_TYPE);
        form.put("client_assertion", signed(claims(id).build(), rsa));
        assertInvalidClient(post(form), "client_id differs from sub");
        // A client registered for a secret cannot switch to an assertion it signs itself.
        var secretOne = claims(secretClient.client().id()).build();
        assertInvalidClient(withAssertion(signed(secretOne, rsa)), "a secret client");
        var unknown = claims("lkc_nobody").build();
        assertInvalidClient(withAssertion(signed(unknown, rsa)), "an unknown client");
    }

    @Test
    void forgedSignaturesAreRefused() throws Exception {
        var id = signer.client().id();
        var stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertInvalidClient(
                withAssertion(signed(claims(id).build(), stranger)), "a key not registered, with a registered kid");
        var strangerEc = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        assertInvalidClient(withAssertion(signedEc(claims(id).build(), strangerEc)), "an EC key not registered");
        assertInvalidClient(withAssertion(new PlainJWT(claims(id).build()).serialize()), "alg none");
        // The classic confusion: HS256 keyed with the public key's bytes, as a naive verifier would check it.
        var hmac = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                claims(id).build());
        hmac.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        assertInvalidClient(withAssertion(hmac.serialize()), "HS256 with the public key as secret");
        var good = signed(claims(id).build(), rsa);
        assertInvalidClient(withAssertion(good.substring(0, good.length() - 12)), "a truncated assertion");
        assertInvalidClient(withAssertion(good.substring(0, good.lastIndexOf('.'))), "no signature part");
        var parts = good.split("\\.", -1);
        var tampered = parts[0] + "."
                + com.nimbusds.jose.util.Base64URL.encode(
                        claims(other.client().id()).build().toString())
                + "." + parts[2];
        assertInvalidClient(withAssertion(tampered), "claims swapped under the signature");
        for (var junk : List.of("x", "a.b.c", "....", "\u0000.\u0000.\u0000", "é.é.é", "A".repeat(9000))) {
            assertInvalidClient(withAssertion(junk), "junk " + junk.length());
        }
        var empty = withAssertion("");
        assertThat(empty.statusCode()).as("an empty assertion is a missing one").isEqualTo(400);
        assertThat(json(empty).get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void aWrongAssertionTypeOrAnAssertionWithASecretIsABadRequest() throws Exception {
        var id = signer.client().id();
        var form = new LinkedHashMap<String, String>();
        form.put("grant_type", "client_credentials");
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer");
        form.put("client_assertion", signed(claims(id).build(), rsa));
        var wrongType = post(form);
        assertThat(wrongType.statusCode()).as(wrongType.body()).isEqualTo(400);
        assertThat(json(wrongType).get("error").asText()).isEqualTo("invalid_request");

        form.remove("client_assertion");
        form.put("client_assertion_type", ClientAuthenticator.ASSERTION_TYPE);
        var typeOnly = post(form);
        assertThat(json(typeOnly).get("error").asText()).isEqualTo("invalid_request");

        form.put("client_assertion", signed(claims(id).build(), rsa));
        form.put("client_secret", "lkcs_anything");
        var withSecret = post(form);
        assertThat(withSecret.statusCode()).as(withSecret.body()).isEqualTo(400);
        assertThat(json(withSecret).get("error").asText()).isEqualTo("invalid_request");

        form.remove("client_secret");
        var withBasic = server.client()
                .postForm(
                        ProviderApi.TOKEN,
                        form,
                        "Authorization",
                        Rp.basic(id, "lkcs_anything"),
                        "X-Forwarded-For",
                        nextAddress());
        assertThat(withBasic.statusCode()).isEqualTo(400);
        assertThat(json(withBasic).get("error").asText()).isEqualTo("invalid_request");
        // And the assertion client cannot fall back on a secret it never had.
        var secretOnly = server.client()
                .postForm(
                        ProviderApi.TOKEN,
                        Map.of("grant_type", "client_credentials"),
                        "Authorization",
                        Rp.basic(id, ""),
                        "X-Forwarded-For",
                        nextAddress());
        assertInvalidClient(secretOnly, "a private_key_jwt client with an empty secret");
    }

    @Test
    void keysAtAJwksUriOnLoopbackAreFetchedAndOnlyTheyCount() throws Exception {
        var remote = new RSAKeyGenerator(2048).keyID("remote-1").generate();
        served.set(publicSet(remote));
        var uri = "http://127.0.0.1:" + jwksHost.getAddress().getPort() + "/jwks";
        var byUri = server.latchkey()
                .clients()
                .create(
                        NewClient.confidential("Remote keys")
                                .withGrantTypes("client_credentials")
                                .withKeys(null, uri),
                        RequestContext.NONE);
        assertThat(byUri.client().jwksUri()).isEqualTo(uri);
        var id = byUri.client().id();
        var ok = withAssertion(signed(claims(id).build(), remote));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(jwksFetches.get()).isPositive();
        assertInvalidClient(withAssertion(signed(claims(id).build(), rsa)), "a key that is not at the jwks_uri");
        // Cached: a second good assertion needs no second fetch of a known kid.
        int fetches = jwksFetches.get();
        assertThat(withAssertion(signed(claims(id).build(), remote)).statusCode())
                .isEqualTo(200);
        assertThat(jwksFetches.get()).isEqualTo(fetches);

        // A jwks_uri nobody answers at: refused as a bad credential, not a 500.
        int closedPort;
        try (var probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        var dead = server.latchkey()
                .clients()
                .create(
                        NewClient.confidential("Dead keys")
                                .withGrantTypes("client_credentials")
                                .withKeys(null, "http://127.0.0.1:" + closedPort + "/jwks"),
                        RequestContext.NONE);
        assertInvalidClient(withAssertion(signed(claims(dead.client().id()).build(), remote)), "jwks_uri down");
    }
}
