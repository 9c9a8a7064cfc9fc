package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.store.JdbcSigningKeyStore;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Strict verification of access tokens: every forgery and mistake the tokens issue lists is refused. */
class AccessTokensTest {
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private final MutableClock clock = MutableClock.at("2026-05-01T12:00:00Z");
    private final Secrets secrets = Secrets.create();
    private TestDatabase db;
    private SigningKeys keys;
    private AccessTokens tokens;

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
        keys = new SigningKeys(
                new JdbcSigningKeyStore(db.database()),
                new SecretBox(secrets.bytes(32), "signing keys", secrets),
                secrets,
                clock,
                JWSAlgorithm.RS256,
                LIFETIME);
        tokens = new AccessTokens(keys, secrets, clock, "https://auth.example", "api", LIFETIME, JWSAlgorithm.RS256);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void anIssuedTokenVerifiesAndSaysWhoseItIs() throws Exception {
        var token = tokens.issue(42, "family-1");
        var verified = tokens.verify(token);
        assertThat(verified.userId()).isEqualTo(42);
        assertThat(verified.family()).isEqualTo("family-1");
        assertThat(verified.expires()).isEqualTo(clock.instant().plus(LIFETIME));
        var header = SignedJWT.parse(token).getHeader();
        assertThat(header.getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(header.getKeyID()).isEqualTo(keys.signingKey().getKeyID());
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    }

    @Test
    void expiryAndNotBeforeAllowThirtySecondsOfSkewAndNoMore() throws Exception {
        var token = tokens.issue(1, "f");
        clock.advance(LIFETIME.plusSeconds(29));
        assertThat(tokens.verify(token).userId()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertRefused(token);

        var early = tokens.issue(1, "f");
        clock.advance(Duration.ofSeconds(-31));
        assertRefused(early);
    }

    @Test
    void algNoneInAnyCaseIsRefused() throws Exception {
        var claims = SignedJWT.parse(tokens.issue(1, "f")).getPayload().toBase64URL();
        for (var alg : new String[] {"none", "None", "NONE", "nOnE"}) {
            var header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\""
                    + keys.signingKey().getKeyID() + "\"}");
            assertRefused(header + "." + claims + ".");
            assertRefused(header + "." + claims);
        }
    }

    @Test
    void hmacKeyedWithThePublicKeyIsRefused() throws Exception {
        var publicKey = keys.signingKey().toRSAKey().toPublicJWK();
        var claims = SignedJWT.parse(tokens.issue(1, "f")).getJWTClaimsSet();
        for (var secret : new byte[][] {
            publicKey.toJSONString().getBytes(StandardCharsets.UTF_8),
            publicKey.toRSAPublicKey().getEncoded(),
            ("-----BEGIN PUBLIC KEY-----\n"
                            + java.util.Base64.getMimeEncoder()
                                    .encodeToString(publicKey.toRSAPublicKey().getEncoded())
                            + "\n-----END PUBLIC KEY-----\n")
                    .getBytes(StandardCharsets.US_ASCII)
        }) {
            var forged = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(new JOSEObjectType("at+jwt"))
                            .keyID(publicKey.getKeyID())
                            .build(),
                    claims);
            forged.sign(new MACSigner(pad(secret)));
            assertRefused(forged.serialize());
        }
    }

    @Test
    void aForeignKeyAnUnknownKidOrNoKidIsRefused() throws Exception {
        var claims = SignedJWT.parse(tokens.issue(1, "f")).getJWTClaimsSet();
        var kid = keys.signingKey().getKeyID();
        var foreign = new RSAKeyGenerator(2048).keyID(kid).generate();
        assertRefused(sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID(kid)
                        .build(),
                claims,
                foreign));
        var other = new RSAKeyGenerator(2048).keyID("someone-else").generate();
        assertRefused(sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .keyID("someone-else")
                        .build(),
                claims,
                other));
        var real = keys.signingKey().toRSAKey();
        assertRefused(sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(new JOSEObjectType("at+jwt"))
                        .build(),
                claims,
                real));
    }

    @Test
    void wrongIssuerAudienceTypeOrMissingClaimsAreRefused() throws Exception {
        var real = keys.signingKey().toRSAKey();
        var header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(new JOSEObjectType("at+jwt"))
                .keyID(real.getKeyID())
                .build();
        var good = SignedJWT.parse(tokens.issue(1, "f")).getJWTClaimsSet();
        assertThat(tokens.verify(sign(header, good, real)).userId()).isEqualTo(1);
        assertRefused(sign(
                header,
                new JWTClaimsSet.Builder(good).issuer("https://evil.example").build(),
                real));
        assertRefused(sign(
                header, new JWTClaimsSet.Builder(good).audience("other-api").build(), real));
        assertRefused(
                sign(header, new JWTClaimsSet.Builder(good).claim("sid", null).build(), real));
        assertRefused(
                sign(header, new JWTClaimsSet.Builder(good).expirationTime(null).build(), real));
        assertRefused(sign(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JWT)
                        .keyID(real.getKeyID())
                        .build(),
                good,
                real));
        assertRefused(sign(
                header, new JWTClaimsSet.Builder(good).subject("not-a-number").build(), real));
    }

    @Test
    void malformedTruncatedAndOversizedTokensAreRefused() throws Exception {
        var token = tokens.issue(1, "f");
        for (var bad : new String[] {
            "",
            "x",
            "a.b.c",
            token.substring(0, token.length() - 5),
            token.substring(0, token.lastIndexOf('.')),
            token + "x",
            token.replace('.', '!'),
            "%%%." + token.substring(token.indexOf('.')),
            "lk_" + "A".repeat(43),
            token + "." + token,
            "e30." + "A".repeat(9000) + ".e30"
        }) {
            assertRefused(bad);
        }
        assertThatThrownBy(() -> tokens.verify(null)).isInstanceOf(InvalidAccessToken.class);
    }

    @Test
    void tokensOfARotatedKeyVerifyUntilTheyExpire() throws Exception {
        var before = tokens.issue(1, "f");
        keys.rotate();
        var after = tokens.issue(1, "f");
        assertThat(SignedJWT.parse(after).getHeader().getKeyID())
                .isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
        assertThat(tokens.verify(before).userId()).isEqualTo(1);
        assertThat(tokens.verify(after).userId()).isEqualTo(1);
    }

    private void assertRefused(String token) {
        assertThatThrownBy(() -> tokens.verify(token))
                .as(token.length() > 60 ? token.substring(0, 60) : token)
                .isInstanceOf(InvalidAccessToken.class);
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, com.nimbusds.jose.jwk.RSAKey key)
            throws Exception {
        var jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static byte[] pad(byte[] secret) {
        return secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32);
    }
}
