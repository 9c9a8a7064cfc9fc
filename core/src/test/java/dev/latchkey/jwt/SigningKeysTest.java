package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyType;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.store.JdbcSigningKeyStore;
import dev.latchkey.testing.DatabaseTest;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Signing keys on SQLite and PostgreSQL: made once, sealed at rest, rotated with overlap. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class SigningKeysTest extends DatabaseTest {
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private final MutableClock clock = MutableClock.at("2026-04-01T08:00:00Z");
    private final Secrets secrets = Secrets.create();
    private final byte[] secret = secrets.bytes(32);

    SigningKeysTest(TestDatabase.Kind kind) {
        super(kind);
    }

    private SigningKeys keys(byte[] instanceSecret, JWSAlgorithm algorithm) {
        return new SigningKeys(
                new JdbcSigningKeyStore(db.database()),
                new SecretBox(instanceSecret, "signing keys", secrets),
                secrets,
                clock,
                algorithm,
                LIFETIME);
    }

    @Test
    void aKeyIsMadeOnFirstUseAndTheSameOneAfterARestart() {
        var first = keys(secret, JWSAlgorithm.RS256).signingKey();
        assertThat(first.isPrivate()).isTrue();
        assertThat(first.getKeyType()).isEqualTo(KeyType.RSA);
        assertThat(first.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        var afterRestart = keys(secret, JWSAlgorithm.RS256).signingKey();
        assertThat(afterRestart.getKeyID()).isEqualTo(first.getKeyID());
        assertThat(afterRestart.toJSONString()).isEqualTo(first.toJSONString());
    }

    @Test
    void thePrivateHalfIsNeverStoredInTheClear() {
        var key = keys(secret, JWSAlgorithm.RS256).signingKey().toRSAKey();
        var d = key.getPrivateExponent().toString();
        var rows = db.database()
                .sql()
                .list(
                        "SELECT public_jwk, private_jwk_encrypted FROM signing_keys",
                        s -> {},
                        r -> r.getString(1) + "|" + r.getString(2));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row).doesNotContain(d).doesNotContain("\"d\"").doesNotContain("\"p\"");
        });
    }

    @Test
    void anotherSecretCannotOpenTheKeys() {
        keys(secret, JWSAlgorithm.RS256).signingKey();
        var other = keys(secrets.bytes(32), JWSAlgorithm.RS256);
        assertThatThrownBy(other::signingKey)
                .isInstanceOfSatisfying(
                        LatchkeyException.class, e -> assertThat(e.code()).isEqualTo("wrong_secret"));
    }

    @Test
    void rotationSignsWithTheNewKeyAndKeepsTheOldOneUntilItsTokensExpire() {
        var keys = keys(secret, JWSAlgorithm.ES256);
        var old = keys.signingKey();
        clock.advance(Duration.ofMinutes(1));
        var rotated = keys.rotate();
        assertThat(keys.signingKey().getKeyID()).isEqualTo(rotated.kid()).isNotEqualTo(old.getKeyID());
        assertThat(keys.publicJwks().getKeys())
                .extracting(k -> k.getKeyID())
                .containsExactlyInAnyOrder(old.getKeyID(), rotated.kid());
        assertThat(keys.verificationKey(old.getKeyID())).isPresent();

        clock.advance(LIFETIME.plusSeconds(1));
        assertThat(keys.publicJwks().getKeys()).extracting(k -> k.getKeyID()).containsExactly(rotated.kid());
        assertThat(keys.verificationKey(old.getKeyID())).isEmpty();
        assertThat(keys.verificationKey("no-such-kid")).isEmpty();
    }

    @Test
    void theJwksHoldsPublicKeysOnly() {
        for (var algorithm : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.ES256}) {
            var keys = keys(secret, algorithm);
            keys.rotate();
            var json = keys.publicJwks().toString();
            assertThat(keys.publicJwks().getKeys())
                    .allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
            assertThat(json).doesNotContain("\"d\":");
        }
    }

    @Test
    void everyOfferedAlgorithmSignsAndVerifiesAndNoSecretIsEverPublished() throws Exception {
        for (var algorithm : SigningKeys.ALGORITHMS) {
            var keys = keys(secret, algorithm);
            var tokens = new AccessTokens(keys, secrets, clock, "iss", "aud", Duration.ofMinutes(5), algorithm);
            var token = tokens.issue(7, "family");
            assertThat(com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getAlgorithm())
                    .isEqualTo(algorithm);
            assertThat(tokens.verify(token).userId()).as(algorithm.getName()).isEqualTo(7);
            var published = keys.publicJwks();
            if (algorithm.equals(JWSAlgorithm.HS256)) {
                assertThat(published.getKeys())
                        .as("an HMAC secret is never published")
                        .isEmpty();
            } else {
                assertThat(published.getKeys()).singleElement().satisfies(k -> {
                    assertThat(k.isPrivate()).isFalse();
                    assertThat(k.getAlgorithm()).isEqualTo(algorithm);
                });
            }
            // Tokens of another algorithm are refused, whoever signed them.
            var other = algorithm.equals(JWSAlgorithm.RS256) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            try (var elsewhere = TestDatabase.sqlite()) {
                var foreign = new AccessTokens(
                        new SigningKeys(
                                new JdbcSigningKeyStore(elsewhere.database()),
                                new SecretBox(secret, "signing keys", secrets),
                                secrets,
                                clock,
                                other,
                                LIFETIME),
                        secrets,
                        clock,
                        "iss",
                        "aud",
                        Duration.ofMinutes(5),
                        other);
                var otherToken = foreign.issue(7, "family");
                assertThatThrownBy(() -> tokens.verify(otherToken)).isInstanceOf(InvalidAccessToken.class);
            }
            db.database().sql().update("DELETE FROM signing_keys", statement -> {});
        }
    }

    @Test
    void onlyOfferedAlgorithmsAreAccepted() {
        assertThatThrownBy(() -> keys(secret, JWSAlgorithm.HS512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys(secret, JWSAlgorithm.PS256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys(secret, JWSAlgorithm.parse("none"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretBox(new byte[16], "x", secrets))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
