package dev.latchkey.provider;

import static dev.latchkey.provider.OpenIdProviderTest.assertOAuth;
import static dev.latchkey.provider.ProviderFixture.CONTEXT;
import static dev.latchkey.provider.ProviderFixture.ISSUER;
import static dev.latchkey.provider.ProviderFixture.REDIRECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.singleuse.MemorySingleUseStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider's guards attacked: races on codes and refresh tokens, forged tokens, tampered codes. */
class OpenIdProviderAttackTest {
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final int RACERS = 8;
    private ProviderFixture fx;
    private OpenIdProvider op;
    private Client app;
    private Client other;
    private long alice;

    @BeforeEach
    void setUp() {
        fx = new ProviderFixture();
        op = fx.op;
        app = fx.confidential("Grafana").client();
        other = fx.confidential("GitLab").client();
        alice = fx.user("alice");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Runs {@code task} on {@link #RACERS} threads released at once; answers each one's result or exception. */
    private static <T> List<Object> race(Callable<T> task) throws Exception {
        var pool = Executors.newFixedThreadPool(RACERS);
        try {
            var start = new CountDownLatch(1);
            var futures = new ArrayList<java.util.concurrent.Future<Object>>();
            for (int i = 0; i < RACERS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return task.call();
                    } catch (Exception e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            var results = new ArrayList<>();
            for (var future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // --- races

    @Test
    void ofEightSimultaneousRedemptionsOfACodeExactlyOneCounts() throws Exception {
        var json = new ObjectMapper();
        var codes = new AuthorizationCodes(
                new SecretBox(fx.secrets.bytes(32), "authorization codes", fx.secrets),
                new MemorySingleUseStore(1000),
                json,
                fx.clock);
        var pkce = ProviderFixture.Pkce.create(fx.secrets);
        for (int round = 0; round < 5; round++) {
            var code = codes.issue(new CodeGrant(
                    app.id(),
                    REDIRECT,
                    pkce.challenge(),
                    "n",
                    "openid",
                    alice,
                    null,
                    fx.clock.instant(),
                    List.of("pwd"),
                    fx.clock.instant().plusSeconds(60)));
            var results = race(() -> codes.redeem(code, app.id(), REDIRECT, pkce.verifier()));
            assertThat(results)
                    .filteredOn(AuthorizationCodes.Redeemed.class::isInstance)
                    .hasSize(1);
            assertThat(results)
                    .filteredOn(AuthorizationCodes.Reused.class::isInstance)
                    .hasSize(RACERS - 1);
        }
    }

    @Test
    void aCodeExchangedFromEightThreadsAtOnceLeavesNoLiveTokens() throws Exception {
        for (int round = 0; round < 3; round++) {
            var flow = fx.authorize(app, alice, null, "openid offline_access");
            var results = race(() -> fx.exchange(flow));
            var issued = results.stream()
                    .filter(TokenResponse.class::isInstance)
                    .map(TokenResponse.class::cast)
                    .toList();
            // The first use may lose to a reuse that forbids its family before it is written: then nobody wins,
            // which is the safe end of a code that two parties hold.
            assertThat(issued).hasSizeLessThanOrEqualTo(1);
            assertThat(results)
                    .filteredOn(r -> !(r instanceof TokenResponse))
                    .hasSize(RACERS - issued.size())
                    .allSatisfy(r -> {
                        assertThat(r).isInstanceOf(OAuthError.class);
                        assertThat(((OAuthError) r).code()).isEqualTo(OAuthError.INVALID_GRANT);
                    });
            for (var tokens : issued) {
                assertOAuth(() -> op.verifyAccess(tokens.accessToken()), OAuthError.INVALID_TOKEN);
                assertThat(op.introspect(tokens.accessToken())).containsEntry("active", false);
                assertOAuth(() -> op.refresh(app, tokens.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
            }
            var family = fx.latchkey.tokenFamilies().family(AuthorizationCodes.familyOf(flow.code()));
            assertThat(family).hasValueSatisfying(f -> assertThat(f.revoked()).isNotNull());
        }
    }

    @Test
    void aRefreshTokenRacedFromEightThreadsHasAtMostOneWinnerAndItsFamilyIsRevoked() throws Exception {
        var first = fx.tokens(app, alice, null, "openid offline_access");
        var results = race(() -> op.refresh(app, first.refreshToken(), null, CONTEXT));
        var winners = results.stream()
                .filter(TokenResponse.class::isInstance)
                .map(TokenResponse.class::cast)
                .toList();
        assertThat(winners).hasSizeLessThanOrEqualTo(1);
        assertThat(results)
                .filteredOn(r -> !(r instanceof TokenResponse))
                .allSatisfy(r -> assertThat(r).isInstanceOf(OAuthError.class));
        assertOAuth(() -> op.verifyAccess(first.accessToken()), OAuthError.INVALID_TOKEN);
        for (var winner : winners) {
            assertOAuth(() -> op.verifyAccess(winner.accessToken()), OAuthError.INVALID_TOKEN);
            assertOAuth(() -> op.refresh(app, winner.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        }
        assertOAuth(() -> op.refresh(app, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
    }

    @Test
    void aCodeUsedBeforeARestartFailsAfterItAndRevokesWhatItIssued() throws Exception {
        var flow = fx.authorize(app, alice, null, "openid offline_access");
        var first = fx.exchange(flow);
        // Another instance on the same database and secret: its in-memory single-use store never saw the code, as
        // after a restart within the code's 60 s, or on a node that shares no single-use store.
        var database = dev.latchkey.store.Database.open(fx.db.url());
        try (var restarted = dev.latchkey.Latchkey.builder(database)
                .clock(fx.clock)
                .scheduler(new dev.latchkey.testing.ManualScheduler())
                .background(false)
                .instanceSecret(fx.instanceSecret)
                .argon2(new dev.latchkey.password.Argon2Settings(1024, 2, 1, 32))
                .openIdProvider(ISSUER)
                .build()) {
            var again = restarted.openIdProvider().orElseThrow();
            assertOAuth(
                    () -> again.exchangeCode(
                            app, flow.code(), REDIRECT, flow.pkce().verifier(), CONTEXT),
                    OAuthError.INVALID_GRANT);
            assertOAuth(() -> again.verifyAccess(first.accessToken()), OAuthError.INVALID_TOKEN);
            assertOAuth(() -> again.refresh(app, first.refreshToken(), null, CONTEXT), OAuthError.INVALID_GRANT);
        }
        fx.scheduler.tick(); // the first instance reads the revocation, as every node does within a second
        assertOAuth(() -> op.verifyAccess(first.accessToken()), OAuthError.INVALID_TOKEN);
    }

    // --- forged tokens

    private SignedJWT signed(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.JWSSigner signer)
            throws Exception {
        var jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt;
    }

    private JWSHeader rs256(String kid, JOSEObjectType type) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(type).build();
    }

    private RSAKey realKey() {
        return (RSAKey) fx.latchkey.signingKeys().signingKey();
    }

    @Test
    void forgedAccessTokensAreRefused() throws Exception {
        var tokens = fx.tokens(app, alice, null, "openid");
        var genuine = SignedJWT.parse(tokens.accessToken());
        var claims = genuine.getJWTClaimsSet();
        var kid = genuine.getHeader().getKeyID();
        var at = new JOSEObjectType("at+jwt");
        var forged = new ArrayList<String>();

        forged.add(new PlainJWT(
                        new com.nimbusds.jose.PlainHeader.Builder().type(at).build(), claims)
                .serialize());
        forged.add(tokens.accessToken().substring(0, tokens.accessToken().lastIndexOf('.') + 1));
        var publicKey = realKey().toPublicJWK();
        for (var secret : List.of(
                publicKey.toRSAPublicKey().getEncoded(),
                publicKey.toJSONString().getBytes(StandardCharsets.UTF_8),
                fx.latchkey.signingKeys().publicJwks().toString().getBytes(StandardCharsets.UTF_8))) {
            var padded = java.util.Arrays.copyOf(secret, Math.max(secret.length, 32));
            forged.add(signed(
                            new JWSHeader.Builder(JWSAlgorithm.HS256)
                                    .keyID(kid)
                                    .type(at)
                                    .build(),
                            claims,
                            new MACSigner(padded))
                    .serialize());
        }
        var wider = new JWTClaimsSet.Builder(claims)
                .claim("scope", "openid email profile")
                .build();
        var parts = tokens.accessToken().split("\\.", -1);
        forged.add(parts[0] + "." + Base64URL.encode(wider.toString()) + "." + parts[2]);
        var bobsSub = new JWTClaimsSet.Builder(claims)
                .subject(op.tokens().subjects().subject(fx.user("bob")))
                .build();
        forged.add(parts[0] + "." + Base64URL.encode(bobsSub.toString()) + "." + parts[2]);
        var stranger = new RSAKeyGenerator(2048).keyID(kid).generate();
        forged.add(signed(rs256(kid, at), claims, new RSASSASigner(stranger)).serialize());
        var strangerOwnKid = new RSAKeyGenerator(2048).keyID("stranger").generate();
        forged.add(signed(rs256("stranger", at), claims, new RSASSASigner(strangerOwnKid))
                .serialize());
        var real = new RSASSASigner(realKey());
        forged.add(signed(rs256(null, at), claims, real).serialize());
        forged.add(signed(rs256(kid, JOSEObjectType.JWT), claims, real).serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims)
                                .issuer("https://evil.example")
                                .build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims).issuer(ISSUER + "/").build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims)
                                .claim("client_id", other.id())
                                .build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims).audience(other.id()).build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims).claim("sid", null).build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims).claim("client_id", 42).build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims)
                                .claim("scope", List.of("openid"))
                                .build(),
                        real)
                .serialize());
        forged.add(signed(
                        rs256(kid, at),
                        new JWTClaimsSet.Builder(claims)
                                .expirationTime(Date.from(fx.clock.instant().minusSeconds(60)))
                                .build(),
                        real)
                .serialize());
        forged.add(tokens.idToken());
        forged.add(op.tokens().logoutToken(app.id(), claims.getSubject(), "sid"));

        for (var token : forged) {
            var thrown = catchThrowable(() -> op.verifyAccess(token));
            assertThat(thrown).as(token).isInstanceOf(OAuthError.class);
            assertThat(((OAuthError) thrown).code()).isEqualTo(OAuthError.INVALID_TOKEN);
            assertThat(((OAuthError) thrown).status()).isEqualTo(401);
            assertThat(op.introspect(token)).containsEntry("active", false);
        }
        assertThat(op.verifyAccess(tokens.accessToken()).userId())
                .as("the genuine one still works")
                .isEqualTo(alice);
    }

    @Test
    void anAccessTokenStopsAtItsExpiryWithThirtySecondsOfSkew() {
        var tokens = fx.tokens(app, alice, null, "openid offline_access");
        fx.clock.advance(Duration.ofMinutes(5).plusSeconds(29));
        assertThat(op.verifyAccess(tokens.accessToken()).userId()).isEqualTo(alice);
        fx.clock.advance(Duration.ofSeconds(2));
        assertOAuth(() -> op.verifyAccess(tokens.accessToken()), OAuthError.INVALID_TOKEN);
        assertOAuth(() -> op.tokens().verify(tokens.accessToken()), OAuthError.INVALID_TOKEN);
    }

    @Test
    void onlyGenuineIdTokensNameTheirClientAsAnIdTokenHint() throws Exception {
        var tokens = fx.tokens(app, alice, null, "openid");
        assertThat(op.clientOfIdToken(tokens.idToken())).contains(app.id());
        fx.clock.advance(Duration.ofHours(2));
        assertThat(op.clientOfIdToken(tokens.idToken()))
                .as("expired is fine for a hint")
                .contains(app.id());

        var genuine = SignedJWT.parse(tokens.idToken());
        var claims = genuine.getJWTClaimsSet();
        var kid = genuine.getHeader().getKeyID();
        var real = new RSASSASigner(realKey());
        var parts = tokens.idToken().split("\\.", -1);
        var forged = List.of(
                new PlainJWT(claims).serialize(),
                signed(
                                new JWSHeader.Builder(JWSAlgorithm.HS256)
                                        .keyID(kid)
                                        .build(),
                                claims,
                                new MACSigner(
                                        realKey().toPublicJWK().toRSAPublicKey().getEncoded()))
                        .serialize(),
                signed(rs256(kid, JOSEObjectType.JWT), claims, new RSASSASigner(new RSAKeyGenerator(2048).generate()))
                        .serialize(),
                parts[0] + "."
                        + Base64URL.encode(new JWTClaimsSet.Builder(claims)
                                .audience(other.id())
                                .build()
                                .toString())
                        + "." + parts[2],
                signed(
                                rs256(kid, JOSEObjectType.JWT),
                                new JWTClaimsSet.Builder(claims)
                                        .issuer("https://evil.example")
                                        .build(),
                                real)
                        .serialize(),
                signed(
                                rs256(kid, JOSEObjectType.JWT),
                                new JWTClaimsSet.Builder(claims)
                                        .audience(List.of(app.id(), other.id()))
                                        .build(),
                                real)
                        .serialize(),
                tokens.accessToken(),
                op.tokens().logoutToken(app.id(), claims.getSubject(), "sid"),
                "",
                "x".repeat(ProviderTokens.MAX_LENGTH + 1));
        for (var token : forged) {
            assertThat(op.clientOfIdToken(token)).as(token).isEmpty();
        }
    }

    // --- tampered codes

    @Test
    void everyFlippedBitOfACodeIsInvalidGrantAndNeverWorks() {
        var flow = fx.authorize(app, alice, null, "openid");
        var code = flow.code();
        var start = AuthorizationCodes.PREFIX.length();
        for (int i = start; i < code.length(); i++) {
            int value = BASE64URL.indexOf(code.charAt(i));
            for (int bit = 0; bit < 6; bit++) {
                var flipped = code.substring(0, i) + BASE64URL.charAt(value ^ (1 << bit)) + code.substring(i + 1);
                assertOAuth(
                        () -> op.exchangeCode(
                                app, flipped, REDIRECT, flow.pkce().verifier(), CONTEXT),
                        OAuthError.INVALID_GRANT);
            }
        }
        assertThat(fx.exchange(flow).accessToken()).as("no flip burnt the code").isNotNull();
    }

    @Test
    void aCodeReEncodedWithOtherUnusedBitsIsNotASecondCode() {
        // base64 leaves 2 or 4 bits of the last character unused when the sealed length is not a multiple of 3:
        // those variants decode to the same bytes, and must not count as another, unused code.
        ProviderFixture.Flow flow;
        do {
            flow = fx.authorize(app, alice, null, "openid offline_access");
        } while ((flow.code().length() - AuthorizationCodes.PREFIX.length()) % 4 == 0);
        var code = flow.code();
        var last = BASE64URL.indexOf(code.charAt(code.length() - 1));
        var variant = code.substring(0, code.length() - 1) + BASE64URL.charAt(last ^ 1);
        fx.exchange(flow);
        var pkce = flow.pkce();
        var thrown = catchThrowable(() -> op.exchangeCode(app, variant, REDIRECT, pkce.verifier(), CONTEXT));
        assertThat(thrown).as("a second use in other clothes").isInstanceOf(OAuthError.class);
        assertThat(((OAuthError) thrown).code()).isEqualTo(OAuthError.INVALID_GRANT);
    }

    @Test
    void truncatedPaddedAndMangledCodesAreInvalidGrant() {
        var flow = fx.authorize(app, alice, null, "openid");
        var code = flow.code();
        var verifier = flow.pkce().verifier();
        var mangled = new ArrayList<String>();
        for (int length = 0; length < code.length(); length++) {
            mangled.add(code.substring(0, length));
        }
        mangled.addAll(List.of(
                code + "A",
                code + "=",
                code + "==",
                code + " ",
                " " + code,
                code + "\u0000",
                code + "%3D",
                code.toUpperCase(java.util.Locale.ROOT),
                "lkac-" + code.substring(5),
                "LKAC_" + code.substring(5),
                code.substring(5),
                "lkac_" + "A".repeat(5000),
                "lkac_" + "é".repeat(100),
                "lkac_\uD800",
                "lkr_" + "A".repeat(43)));
        var standard = code.replace('-', '+').replace('_', '/');
        if (!standard.equals(code)) {
            mangled.add(standard);
        }
        for (var bad : mangled) {
            assertOAuth(() -> op.exchangeCode(app, bad, REDIRECT, verifier, CONTEXT), OAuthError.INVALID_GRANT);
        }
        assertOAuth(() -> op.exchangeCode(app, null, REDIRECT, verifier, CONTEXT), OAuthError.INVALID_GRANT);
        assertThat(fx.exchange(flow).accessToken()).isNotNull();
    }

    @Test
    void aCodeOfAnotherInstanceIsInvalidGrant() {
        try (var elsewhere = new ProviderFixture()) {
            var strangerApp = elsewhere.confidential("Grafana").client();
            var strangerUser = elsewhere.user("alice");
            var flow = elsewhere.authorize(strangerApp, strangerUser, null, "openid");
            assertOAuth(
                    () -> op.exchangeCode(
                            app, flow.code(), REDIRECT, flow.pkce().verifier(), CONTEXT),
                    OAuthError.INVALID_GRANT);
        }
    }
}
