package dev.latchkey.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.latchkey.crypto.SecretBox;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.store.JdbcSigningKeyStore;
import dev.latchkey.testing.MutableClock;
import dev.latchkey.testing.TestDatabase;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which key may verify a token: the pinned algorithm, a live key's id, never a private half. */
class VerificationKeysTest {
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private final MutableClock clock = MutableClock.at("2026-05-01T12:00:00Z");
    private final Secrets secrets = Secrets.create();
    private final byte[] instanceSecret = secrets.bytes(32);
    private TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private SigningKeys keys(JWSAlgorithm algorithm) {
        return new SigningKeys(
                new JdbcSigningKeyStore(db.database()),
                new SecretBox(instanceSecret, "signing keys", secrets),
                secrets,
                clock,
                algorithm,
                LIFETIME);
    }

    private static JWSHeader header(JWSAlgorithm algorithm, String kid) {
        return new JWSHeader.Builder(algorithm).keyID(kid).build();
    }

    @Test
    void theLiveKeyNamedByTheHeaderIsSelectedAsItsPublicHalfOnly() throws Exception {
        var keys = keys(JWSAlgorithm.RS256);
        var kid = keys.signingKey().getKeyID();
        var selector = new VerificationKeys(keys, JWSAlgorithm.RS256);
        List<? extends Key> selected = selector.selectJWSKeys(header(JWSAlgorithm.RS256, kid), null);
        assertThat(selected).singleElement().isInstanceOf(PublicKey.class).isNotInstanceOf(PrivateKey.class);
        assertThat(selector.supportedJWSAlgorithms()).isEqualTo(Set.of(JWSAlgorithm.RS256));

        var jws = new JWSObject(header(JWSAlgorithm.RS256, kid), new Payload("{}"));
        jws.sign(new RSASSASigner(keys.signingKey().toRSAKey()));
        var verifier = selector.createJWSVerifier(jws.getHeader(), selected.get(0));
        assertThat(jws.verify(verifier)).isTrue();
    }

    @Test
    void anotherAlgorithmNoKidOrAnUnknownKidSelectsNothing() throws Exception {
        var keys = keys(JWSAlgorithm.RS256);
        var kid = keys.signingKey().getKeyID();
        var selector = new VerificationKeys(keys, JWSAlgorithm.RS256);
        for (var other : List.of(
                JWSAlgorithm.RS384, JWSAlgorithm.PS256, JWSAlgorithm.HS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA)) {
            assertThat(selector.selectJWSKeys(header(other, kid), null))
                    .as(other.getName())
                    .isEmpty();
        }
        assertThat(selector.selectJWSKeys(new JWSHeader(JWSAlgorithm.RS256), null))
                .as("no kid")
                .isEmpty();
        assertThat(selector.selectJWSKeys(header(JWSAlgorithm.RS256, "unknown"), null))
                .isEmpty();
    }

    @Test
    void aKeyMadeForAnotherAlgorithmIsNeverUsedUnderThePinnedOne() throws Exception {
        var esKid = keys(JWSAlgorithm.ES256).signingKey().getKeyID();
        var keys = keys(JWSAlgorithm.RS256);
        keys.rotate();
        var selector = new VerificationKeys(keys, JWSAlgorithm.RS256);
        assertThat(keys.verificationKey(esKid))
                .as("the retired ES256 key is still live")
                .isPresent();
        assertThat(selector.selectJWSKeys(header(JWSAlgorithm.RS256, esKid), null))
                .isEmpty();
        assertThat(selector.selectJWSKeys(header(JWSAlgorithm.ES256, esKid), null))
                .isEmpty();
    }

    @Test
    void aRetiredKeyStopsVerifyingOnceItsLastTokenHasExpired() throws Exception {
        var keys = keys(JWSAlgorithm.RS256);
        var old = keys.signingKey().getKeyID();
        keys.rotate();
        var selector = new VerificationKeys(keys, JWSAlgorithm.RS256);
        assertThat(selector.selectJWSKeys(header(JWSAlgorithm.RS256, old), null))
                .hasSize(1);
        clock.advance(LIFETIME.plusSeconds(1));
        assertThat(selector.selectJWSKeys(header(JWSAlgorithm.RS256, old), null))
                .isEmpty();
    }

    @Test
    void anEd25519KeyIsCarriedThroughToItsOwnVerifier() throws Exception {
        var keys = keys(JWSAlgorithm.EdDSA);
        var jwk = keys.signingKey().toOctetKeyPair();
        var selector = new VerificationKeys(keys, JWSAlgorithm.EdDSA);
        var selected = selector.selectJWSKeys(header(JWSAlgorithm.EdDSA, jwk.getKeyID()), null);
        assertThat(selected).singleElement().isInstanceOf(PublicKey.class);
        assertThat(selected.get(0).getAlgorithm()).isEqualTo("Ed25519");
        assertThat(selected.get(0).getEncoded())
                .as("no private bytes travel with it")
                .isNull();

        var jws = new JWSObject(header(JWSAlgorithm.EdDSA, jwk.getKeyID()), new Payload("{\"sub\":\"1\"}"));
        jws.sign(new Ed25519Signer(jwk));
        assertThat(jws.verify(selector.createJWSVerifier(jws.getHeader(), selected.get(0))))
                .isTrue();

        var forged = new JWSObject(header(JWSAlgorithm.EdDSA, jwk.getKeyID()), new Payload("{\"sub\":\"1\"}"));
        forged.sign(new Ed25519Signer(
                new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(com.nimbusds.jose.jwk.Curve.Ed25519)
                        .keyID(jwk.getKeyID())
                        .generate()));
        assertThat(forged.verify(selector.createJWSVerifier(forged.getHeader(), selected.get(0))))
                .as("signed by another key with the same kid")
                .isFalse();
    }

    @Test
    void anHmacKeyVerifiesWithItsSecretWhichIsNeverPublished() throws Exception {
        var keys = keys(JWSAlgorithm.HS256);
        var jwk = keys.signingKey().toOctetSequenceKey();
        var selector = new VerificationKeys(keys, JWSAlgorithm.HS256);
        var selected = selector.selectJWSKeys(header(JWSAlgorithm.HS256, jwk.getKeyID()), null);
        assertThat(selected).singleElement().isInstanceOf(SecretKey.class);
        assertThat(keys.publicJwks().getKeys()).isEmpty();

        var jws = new JWSObject(header(JWSAlgorithm.HS256, jwk.getKeyID()), new Payload("{}"));
        jws.sign(new MACSigner(jwk));
        assertThat(jws.verify(selector.createJWSVerifier(jws.getHeader(), selected.get(0))))
                .isTrue();
    }
}
